#!/usr/bin/env python3
"""The reference-SDK side of the C2PA benchmark, and the SHA-256 floor, on one 12 MP JPEG.

    bench.py make OUT.jpg                       make the 12 MP test JPEG (4000x3000, about 4 MB)
    bench.py sdk-sign IN.jpg KEY CHAIN OUT N    median ms: c2pa-rs sign, thumbnail off
    bench.py sdk-validate SIGNED.jpg TRUST N    median ms: c2pa-rs read with full validation and trust
    bench.py sha256 FILE N                      median ms: SHA-256 of the whole file (hashlib/OpenSSL)
"""
import hashlib
import io
import json
import statistics
import sys
import time


def timed(function, n):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv):
    command = argv[0]
    if command == "make":
        import numpy
        from PIL import Image
        rng = numpy.random.default_rng(12)
        y, x = numpy.mgrid[0:3000, 0:4000]
        base = numpy.stack([(x * 255 // 4000), (y * 255 // 3000), ((x + y) % 256)], axis=-1).astype(numpy.int16)
        noise = rng.integers(-40, 40, size=base.shape, dtype=numpy.int16)
        pixels = numpy.clip(base + noise, 0, 255).astype(numpy.uint8)
        Image.fromarray(pixels, "RGB").save(argv[1], "JPEG", quality=75)
        return 0
    import c2pa
    if command == "sdk-sign":
        data = open(argv[1], "rb").read()
        key, chain, out, n = open(argv[2], "rb").read(), open(argv[3], "rb").read(), argv[4], int(argv[5])
        settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                            "verify": {"verify_after_sign": False}})
        manifest = {"claim_generator_info": [{"name": "bench", "version": "1"}], "title": "bench.jpg",
                    "assertions": [{"label": "c2pa.actions", "data": {"actions": [
                        {"action": "c2pa.created",
                         "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}]}}]}
        result = {}

        def sign():
            context = c2pa.Context(settings=settings)
            builder = c2pa.Builder(manifest, context=context)
            signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, key, None))
            target = io.BytesIO()
            builder.sign(signer, "image/jpeg", io.BytesIO(data), target)
            result["bytes"] = target.getvalue()
        median = timed(sign, n)
        open(out, "wb").write(result["bytes"])
        print(f"{median:.2f}")
    elif command == "sdk-validate":
        data = open(argv[1], "rb").read()
        trust, n = open(argv[2]).read(), int(argv[3])
        settings = c2pa.Settings.from_dict({"trust": {"trust_anchors": trust}, "verify": {"verify_trust": True}})
        context = c2pa.Context(settings=settings)
        state = {}

        def read():
            reader = c2pa.Reader("image/jpeg", io.BytesIO(data), None, context=context)
            state["value"] = json.loads(reader.json()).get("validation_state")
        median = timed(read, n)
        if state["value"] != "Trusted":
            print(f"SDK validation gave {state['value']}", file=sys.stderr)
            return 1
        print(f"{median:.2f}")
    elif command == "sha256":
        data = open(argv[1], "rb").read()
        print(f"{timed(lambda: hashlib.sha256(data).digest(), int(argv[2])):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
