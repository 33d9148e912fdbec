#!/usr/bin/env python3
"""Makes Fixtures/bombs: small files built to exhaust memory or time, each aimed at one limit.

Standard library only; the tiny JPEG and PNG in Fixtures/c2pa/sources are the bases. The test
(Tests/AILabelCLITests/BombTests.swift) runs `ailabel inspect` and `ailabel verify --scan full` on
each and measures the peak memory of the process. Run: python3 Fixtures/make_bomb_fixtures.py
"""
import os
import struct
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "bombs")
BASE_JPEG = open(os.path.join(HERE, "c2pa", "sources", "tiny-8x8.jpg"), "rb").read()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, extra=b"", idat=None):
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data = idat if idat is not None else zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + header + extra + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def jpeg_with(segments):
    """Inserts marker segments (marker, payload) right after SOI of the base JPEG."""
    body = b"".join(bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload for marker, payload in segments)
    return BASE_JPEG[:2] + body + BASE_JPEG[2:]


def deflated_zeros(megabytes):
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    return b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()


def sof_resized(jpeg, width, height):
    """Rewrites the frame header's dimensions (SOF0/SOF2) in place."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        index = jpeg.find(marker)
        if index > 0:
            return jpeg[:index + 5] + struct.pack(">HH", height, width) + jpeg[index + 9:]
    raise SystemExit("the base JPEG has no SOF0/SOF2")


def jumd(type_uuid, label):
    payload = uuid.UUID(type_uuid).bytes + b"\x03" + label.encode() + b"\0"
    return struct.pack(">I", 8 + len(payload)) + b"jumd" + payload


def jumb(type_uuid, label, *children):
    payload = jumd(type_uuid, label) + b"".join(children)
    return struct.pack(">I", 8 + len(payload)) + b"jumb" + payload


def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def app11(store):
    """One APP11 segment carrying a whole JUMBF store (box instance 1, sequence 1)."""
    return (0xEB, b"JP" + struct.pack(">HI", 1, 1) + store)


C2PA = "63327061-0011-0010-8000-00aa00389b71"
MANIFEST = "63326d61-0011-0010-8000-00aa00389b71"
CLAIM = "6332636c-0011-0010-8000-00aa00389b71"
ASSERTIONS = "63326173-0011-0010-8000-00aa00389b71"
CBOR = "63626f72-0011-0010-8000-00aa00389b71"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\0"


def xmp(body):
    return (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            + body + b"</rdf:RDF></x:xmpmeta>")


def exif_ifd_loop():
    """IFD0 holds an EXIF IFD pointer to itself, and its next-IFD offset points back to it."""
    tiff = b"II*\0" + struct.pack("<I", 8)
    tiff += struct.pack("<H", 2)
    tiff += struct.pack("<HHII", 0x8769, 4, 1, 8)  # ExifIFD -> IFD0
    tiff += struct.pack("<HHII", 0x8825, 4, 1, 8)  # GPS IFD -> IFD0
    tiff += struct.pack("<I", 8)  # next IFD -> IFD0
    return (0xE1, b"Exif\0\0" + tiff)


def main():
    os.makedirs(OUT, exist_ok=True)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
              + b"]>" + xmp(b"<rdf:Description>&lol9;</rdf:Description>"))
    external = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///dev/zero">]>'
                + xmp(b"<rdf:Description>&e;</rdf:Description>"))
    nested = xmp(b"<rdf:Description><a:x xmlns:a=\"urn:a\">" + b"<a:x>" * 4000 + b"</a:x>" * 4000 + b"</a:x></rdf:Description>")
    huge_cbor = b"\x9b\x00\x00\x00\x01\x00\x00\x00\x00"  # an array claiming 2^32 items, with none present
    huge_string = b"\xa1\x63sig\x5b\x00\x00\x00\x10\x00\x00\x00\x00"  # a 64 GiB byte string, absent
    claim_store = jumb(C2PA, "c2pa", jumb(MANIFEST, "urn:uuid:00000000-0000-4000-8000-000000000000",
                                          jumb(ASSERTIONS, "c2pa.assertions", jumb(CBOR, "c2pa.actions.v2", box(b"cbor", huge_string))),
                                          jumb(CLAIM, "c2pa.claim.v2", box(b"cbor", huge_cbor))))
    past_end = b"\xff\xff\xff\xf0jumb" + jumd(C2PA, "c2pa")
    files = {
        # PNG: dimensions at libpng's accepted maximum (10^6 × 10^6 = 10^12 pixels) with 64 bytes of data.
        "png-huge-dimensions.png": png(1_000_000, 1_000_000),
        # PNG: 2^31−1 per side, past the PNG side limit.
        "png-max-dimensions.png": png(0x7FFFFFFF, 0x7FFFFFFF),
        # zTXt holding 64 MiB of zeros in 64 KiB.
        "ztxt-bomb.png": png(16, 16, png_chunk(b"zTXt", b"Comment\0\0" + deflated_zeros(64))),
        # Compressed iTXt with the same payload.
        "itxt-bomb.png": png(16, 16, png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + deflated_zeros(64))),
        # IDAT inflating to far more than the declared 64×64 image.
        "idat-bomb.png": png(64, 64, idat=deflated_zeros(64)),
        # A JPEG frame of 65535 × 65535 (4.3 gigapixels) over 8×8 pixels of data.
        "jpeg-sof-65535.jpg": sof_resized(BASE_JPEG, 65535, 65535),
        "exif-ifd-loop.jpg": jpeg_with([exif_ifd_loop()]),
        "jumbf-length-past-end.jpg": jpeg_with([app11(past_end)]),
        "cbor-length-past-end.jpg": jpeg_with([app11(claim_store)]),
        "xmp-billion-laughs.jpg": jpeg_with([(0xE1, XMP_HEADER + laughs)]),
        "xmp-external-entity.jpg": jpeg_with([(0xE1, XMP_HEADER + external)]),
        "xmp-deep-nesting.jpg": jpeg_with([(0xE1, XMP_HEADER + nested)]),
    }
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as handle:
            handle.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
