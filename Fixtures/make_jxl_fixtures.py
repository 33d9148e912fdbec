#!/usr/bin/env python3
"""Makes the JPEG XL fixtures in Fixtures/media and Fixtures/malformed.

Run with the project's virtual environment (scripts/setup makes it and installs cjxl and brotli):
    .venv/bin/python Fixtures/make_jxl_fixtures.py

libjxl's own encoder (cjxl) writes every codestream, from scenes Pillow draws: a bare lossy codestream
(FF 0A, no container), a lossless one in a container, a lossy one with alpha, a 16-bit lossless one,
a losslessly recompressed JPEG (with its `jbrd` reconstruction box), and an animation. Metadata boxes
are then added around a cjxl codestream the way ISO/IEC 18181-2 frames them: `xml ` (XMP) and `Exif`
plain, and the same Brotli-compressed in `brob` boxes (compressed by the brotli tool).
Malformed files are the box bombs the JPEG XL parser refuses: a box size past the end, a 64-bit size
past the end, more top-level boxes than the limit, a `brob` that wraps a `brob`, and a `brob` whose
XMP inflates past the limit (a Brotli decompression bomb).
Files signed by the reference SDK (c2pa-python, with the fixture keys in Fixtures/c2pa/keys) go to
Fixtures/c2pa/sdk: a signed container, a signed one with a byte of its codestream changed afterwards,
and a signed one whose XMP box was changed afterwards (a data hash covers it).
"""
import io
import os
import struct
import subprocess
import tempfile

from PIL import Image, ImageDraw

from make_webp_fixtures import XMP, scene

import sys  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "c2pa"))

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
MALFORMED = os.path.join(HERE, "malformed")
SIGNATURE = bytes([0, 0, 0, 0x0C]) + b"JXL " + bytes([0x0D, 0x0A, 0x87, 0x0A])
FTYP = struct.pack(">I", 20) + b"ftyp" + b"jxl " + bytes(4) + b"jxl "


def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def cjxl(image_path, *options):
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "out.jxl")
        subprocess.run(["cjxl", image_path, out, "--quiet", *options], check=True, capture_output=True)
        with open(out, "rb") as f:
            return f.read()


def encode(image, suffix, *options):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "in." + suffix)
        if suffix == "jpg":
            image.save(path, quality=85)
        else:
            image.save(path)
        return cjxl(path, *options)


def brotli(data):
    return subprocess.run(["brotli", "-c", "-q", "9"], input=data, check=True, capture_output=True).stdout


def exif_payload():
    exif = Image.Exif()
    exif[0x010F] = "Fixture Camera Maker"
    tiff = exif.tobytes()
    tiff = tiff[6:] if tiff.startswith(b"Exif\0\0") else tiff  # Pillow writes JPEG's APP1 prefix
    return bytes(4) + tiff  # 4-byte offset to the TIFF header, then the TIFF structure


def container(codestream, *boxes):
    return SIGNATURE + FTYP + b"".join(boxes) + box(b"jxlc", codestream)


def save(name, data):
    with open(os.path.join(HERE, name) if name.startswith("malformed/") else os.path.join(MEDIA, name), "wb") as f:
        f.write(data)


def animated_photo():
    """Three truecolour frames big enough for the watermark, each shown for its own time (APNG in)."""
    frames = [scene(256, 192, 40 + index) for index in range(3)]
    with tempfile.TemporaryDirectory() as folder:
        apng = os.path.join(folder, "in.png")
        frames[0].save(apng, save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0)
        return cjxl(apng, "-d", "1.0", "--container=1")


def main():
    os.makedirs(MEDIA, exist_ok=True)
    os.makedirs(MALFORMED, exist_ok=True)
    photo = scene(256, 192, 21)
    codestream = encode(photo, "png", "-d", "1.0", "--container=0")
    assert codestream[:2] == b"\xff\x0a"
    save("codestream.jxl", codestream)
    save("lossless.jxl", encode(scene(160, 144, 22), "png", "-d", "0", "--container=1", "-e", "3"))
    save("alpha.jxl", encode(scene(192, 160, 23, "RGBA"), "png", "-d", "1.5", "--container=1"))
    save("recompressed.jxl", encode(scene(192, 144, 25), "jpg", "--lossless_jpeg=1"))
    frames = [scene(96, 64, 30 + index) for index in range(3)]
    with tempfile.TemporaryDirectory() as folder:
        gif = os.path.join(folder, "in.gif")
        frames[0].save(gif, save_all=True, append_images=frames[1:], duration=120, loop=0)
        save("animated.jxl", cjxl(gif, "-d", "1.0", "--container=1"))
    save("animated-photo.jxl", animated_photo())
    save("metadata.jxl", container(codestream, box(b"xml ", XMP.encode("utf-8")), box(b"Exif", exif_payload())))
    save("compressed-metadata.jxl", container(
        codestream, box(b"brob", b"xml " + brotli(XMP.encode("utf-8"))), box(b"brob", b"Exif" + brotli(exif_payload()))))

    # Box bombs: each refused by the JPEG XL parser under a documented limit (Docs/limits.md).
    small = container(codestream)
    save("malformed/jxl-box-size-past-end.jxl", SIGNATURE + FTYP + struct.pack(">I", 0x7FFFFFF0) + b"xml " + b"<x/>" + box(b"jxlc", codestream))
    save("malformed/jxl-64bit-size-past-end.jxl",
         SIGNATURE + FTYP + struct.pack(">I", 1) + b"xml " + struct.pack(">Q", 0xFFFFFFFFFFFFFFF0) + b"<x/>" + box(b"jxlc", codestream))
    save("malformed/jxl-box-count-bomb.jxl", SIGNATURE + FTYP + box(b"free", b"") * 1100 + box(b"jxlc", codestream))
    save("malformed/jxl-nested-brob.jxl", container(codestream, box(b"brob", b"brob" + brotli(b"xml " + XMP.encode("utf-8")))))
    save("malformed/jxl-brob-bomb.jxl", container(codestream, box(b"brob", b"xml " + brotli(b" " * (64 * 1024 * 1024)))))
    save("malformed/jxl-truncated.jxl", small[: len(small) // 2])
    # Boxes intact, codestream header garbled: libjxl refuses it and prints why (JXL_FAILURE) to stderr.
    save("malformed/jxl-bad-header.jxl", container(codestream[:2] + bytes(b ^ 0x5A for b in codestream[2:20]) + codestream[20:]))
    sdk_fixtures(container(codestream, box(b"xml ", XMP.encode("utf-8"))))


def sdk_fixtures(asset):
    from make_fixtures import sdk_sign  # the reference SDK, only in the project's .venv

    keys = os.path.join(HERE, "c2pa", "keys")
    key, chain = (open(os.path.join(keys, name)).read() for name in ("fixtures-signer.key", "fixtures-chain.pem"))
    signed = sdk_sign(key, chain, asset, "image/jxl", "signed.jxl")
    folder = os.path.join(HERE, "c2pa", "sdk")
    with open(os.path.join(folder, "signed.jxl"), "wb") as f:
        f.write(signed)
    flipped = bytearray(signed)
    flipped[-20] ^= 0x10  # inside the jxlc codestream, the last box
    with open(os.path.join(folder, "signed-byte-flipped.jxl"), "wb") as f:
        f.write(bytes(flipped))
    edited = signed.replace(b"WebP Fixture Author", b"WebP Fixture Editor")
    assert edited != signed
    with open(os.path.join(folder, "signed-xmp-edited.jxl"), "wb") as f:
        f.write(edited)


if __name__ == "__main__":
    main()
