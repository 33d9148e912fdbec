#!/usr/bin/env python3
"""Makes the HEIF/HEIC and AVIF fixtures in Fixtures/media, Fixtures/c2pa/sdk and Fixtures/malformed.

Run with the project's virtual environment (scripts/setup makes it and installs heif-enc):
    .venv/bin/python Fixtures/make_heif_fixtures.py

libheif's heif-enc (Debian's libheif-examples: x265 for HEIC, aom for AVIF) writes the HEIC and AVIF
files from PNGs drawn here, with and without alpha; Pillow's own AVIF writer (libavif) writes one
more AVIF, a different writer's layout; exiftool adds XMP and EXIF items to a copy (metadata.heic:
its XMP lands inside the main mdat, as exiftool writes it). The reference SDK (c2pa-python) signs a
HEIC and an AVIF with the fixtures' test PKI (Fixtures/c2pa/keys), with its c2pa.hash.bmff.v3
binding. Malformed files are cut or corrupted copies, one per attack on a BMFF parser.
"""
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile


from make_webp_fixtures import scene

import c2pa

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
MALFORMED = os.path.join(HERE, "malformed")
SDK = os.path.join(HERE, "c2pa", "sdk")
BOMBS = os.path.join(HERE, "bombs")
KEYS = os.path.join(HERE, "c2pa", "keys")
SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def heif_enc(image, name, avif=False, quality=60):
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "in.png")
        image.save(source)
        target = os.path.join(MEDIA, name)
        arguments = ["heif-enc", "-q", str(quality), "-o", target, source]
        if avif:
            arguments.insert(1, "-A")
        subprocess.run(arguments, check=True, capture_output=True)


def png16(image, path):
    """An RGB PNG with 16 bits a sample (each 8-bit sample widened, v * 257), which Pillow does not write."""
    import zlib
    width, height = image.size
    rows = bytearray()
    pixels = image.convert("RGB").load()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            for value in pixels[x, y]:
                rows += struct.pack(">H", value * 257)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def boxes(data, start=0, end=None):
    """(type, start, size) of the boxes between start and end."""
    end = len(data) if end is None else end
    out = []
    while start + 8 <= end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        out.append((kind.decode("latin-1"), start, size))
        start += size
    return out


def sdk_sign(data, mime):
    manifest = {
        "claim_generator_info": [{"name": "make_heif_fixtures.py", "version": "1"}],
        "title": "sdk-signed",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": SOURCE_TYPE}]}}],
    }
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                        "verify": {"verify_after_sign": False}})
    builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
    chain = open(os.path.join(KEYS, "fixtures-chain.pem"), "rb").read()
    key = open(os.path.join(KEYS, "fixtures-signer.key"), "rb").read()
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, key, None))
    out = io.BytesIO()
    builder.sign(signer, mime, io.BytesIO(data), out)
    return out.getvalue()


def save(folder, name, data):
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)


def main():
    for folder in (MEDIA, MALFORMED, SDK):
        os.makedirs(folder, exist_ok=True)
    heif_enc(scene(96, 64, 21), "plain.heic")
    heif_enc(scene(64, 48, 22, "RGBA"), "alpha.heic")
    heif_enc(scene(96, 64, 23), "plain.avif", avif=True)
    heif_enc(scene(64, 48, 24, "RGBA"), "alpha.avif", avif=True)
    out = io.BytesIO()
    scene(80, 48, 25).save(out, "AVIF", quality=70)
    save(MEDIA, "pillow.avif", out.getvalue())

    heif_enc(scene(256, 192, 26), "photo.heic")
    heif_enc(scene(256, 192, 27), "photo.avif", avif=True)
    heif_enc(scene(256, 192, 28, "RGBA"), "photo-alpha.heic")
    with tempfile.TemporaryDirectory() as folder:
        deep = os.path.join(folder, "deep.png")
        png16(scene(256, 192, 29), deep)
        subprocess.run(["heif-enc", "-b", "10", "-q", "60", "-o", os.path.join(MEDIA, "photo-10bit.heic"), deep],
                       check=True, capture_output=True)
        # 4:2:2: Debian's aom 3.6 under libheif 1.15 aborts on 10-bit 4:2:0 and 4:4:4 (an assertion in
        # write_color_config), so the pixel codec codes those at 8 bits (Docs/formats.md).
        subprocess.run(["heif-enc", "-A", "-b", "10", "-p", "chroma=422", "-q", "60", "-o", os.path.join(MEDIA, "photo-10bit.avif"), deep],
                       check=True, capture_output=True)

    metadata = os.path.join(MEDIA, "metadata.heic")
    shutil.copyfile(os.path.join(MEDIA, "plain.heic"), metadata)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Creator=HEIF Fixture Author",
                    "-EXIF:Make=Fixture Camera Maker", metadata], check=True)

    plain_heic = open(os.path.join(MEDIA, "plain.heic"), "rb").read()
    plain_avif = open(os.path.join(MEDIA, "plain.avif"), "rb").read()
    save(SDK, "signed.heic", sdk_sign(plain_heic, "image/heic"))
    save(SDK, "signed.avif", sdk_sign(plain_avif, "image/avif"))

    # Malformed, each refused by the BMFF walker or the HEIF item reader under a documented limit.
    top = boxes(plain_heic)
    mdat = next(b for b in top if b[0] == "mdat")
    # An mdat is cut at the end of the file (as c2pa-rs does); a meta box past the end is refused.
    meta = next(b for b in top if b[0] == "meta")
    large = bytearray(plain_heic)
    # The meta box rewritten with a 64-bit size field claiming far more than the file holds.
    large[meta[1]:meta[1] + 8] = struct.pack(">I4s", 1, b"meta")
    large[meta[1] + 8:meta[1] + 8] = struct.pack(">Q", 1 << 60)
    save(MALFORMED, "heif-box-64bit-size-past-end.heic", bytes(large))
    # 40 meta boxes nested in each other, inside the top-level meta: deeper than c2pa-rs's 32 levels.
    inner = b""
    for _ in range(40):
        inner = struct.pack(">I4s", 12 + len(inner), b"meta") + b"\0\0\0\0" + inner
    nested = bytearray(plain_heic[:meta[1]])
    nested += struct.pack(">I4s", meta[2] + len(inner), b"meta") + plain_heic[meta[1] + 8:meta[1] + meta[2]] + inner
    nested += plain_heic[meta[1] + meta[2]:]
    save(MALFORMED, "heif-deeply-nested.heic", bytes(nested))
    # The image item's iloc extent moved past the end of the file.
    far = bytearray(plain_heic)
    iloc = next(b for b in boxes(plain_heic, meta[1] + 12, meta[1] + meta[2]) if b[0] == "iloc")
    version = far[iloc[1] + 8]
    sizes = far[iloc[1] + 12]
    assert version == 0 and sizes >> 4 == 4, "heif-enc's iloc layout changed"
    base_size = far[iloc[1] + 13] >> 4
    # First entry: item ID (2), data reference (2), base offset, extent count (2), extent offset (4).
    extent_offset_at = iloc[1] + 16 + 2 + 2 + base_size + 2
    far[extent_offset_at:extent_offset_at + 4] = struct.pack(">I", len(plain_heic) + 1000)
    save(MALFORMED, "heif-iloc-offset-out-of-range.heic", bytes(far))
    save(MALFORMED, "heif-truncated.heic", plain_heic[:mdat[1] + 8 - 20])

    # The pixel codec's attacks, in Fixtures/bombs (they parse as containers; their pixels are refused).
    # The primary image's ispe property claiming 100000 x 100000 pixels.
    ispe = plain_heic.find(b"ispe")
    assert ispe > 0, "heif-enc wrote no ispe"
    huge = bytearray(plain_heic)
    huge[ispe + 8:ispe + 16] = struct.pack(">II", 100000, 100000)
    save(BOMBS, "heif-huge-dimensions.heic", bytes(huge))
    # The HEVC slice NAL unit zeroed after its 4-byte length: a corrupt bitstream.
    corrupt = bytearray(plain_heic)
    corrupt[mdat[1] + 12:mdat[1] + 200] = bytes(188)
    save(BOMBS, "heif-corrupt-bitstream.heic", bytes(corrupt))
    # The slice NAL unit's length claiming 2 GB, far past the item's bytes: a truncated item.
    cut = bytearray(plain_heic)
    cut[mdat[1] + 8:mdat[1] + 12] = struct.pack(">I", 0x7FFFFFFF)
    save(BOMBS, "heif-truncated-item.heic", bytes(cut))

if __name__ == "__main__":
    main()
