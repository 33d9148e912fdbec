#!/usr/bin/env python3
"""Builds the seed corpus of every fuzz target from Fixtures/ (standard library only).

Whole files seed the container and whole-file targets; the blocks inside them (XMP packets, EXIF
TIFF blocks, JUMBF manifest stores, their CBOR boxes and COSE signatures) seed the block targets,
so each fuzzer starts from inputs its parser accepts. A few hand-made hostile inputs are added.

usage: scripts/fuzz-seeds.py OUT_DIR   (writes OUT_DIR/TARGET/NAME)
"""
import hashlib
import pathlib
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Fixtures"
MAX_WHOLE_FILE = 128 * 1024  # larger inputs slow every execution and add little coverage


def jpeg_segments(data):
    """Yields (marker, payload) for every marker segment before the first SOS."""
    if data[:2] != b"\xff\xd8":
        return
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return
        marker = data[pos + 1]
        if marker == 0xDA or marker == 0xD9:
            return
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        yield marker, data[pos + 4:pos + 2 + length]
        pos += 2 + length


def png_chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield kind.decode("latin-1"), data[pos + 8:pos + 8 + length]
        pos += 12 + length


def c2pa_stores(data):
    """Reassembles C2PA JUMBF stores from JPEG APP11 segments, or takes a PNG caBX chunk."""
    stores = {}
    for marker, payload in jpeg_segments(data):
        if marker != 0xEB or payload[:2] != b"JP" or len(payload) < 16:
            continue
        instance, sequence = struct.unpack(">HI", payload[2:8])
        body = payload[8:]
        stores.setdefault(instance, []).append(body if sequence == 1 else body[8:])
    result = [b"".join(parts) for parts in stores.values()]
    result += [payload for kind, payload in png_chunks(data) if kind == "caBX"]
    return result


def jumbf_boxes(data, pos=0, end=None, label=""):
    """Yields (label of the enclosing superbox, box type, payload) for every content box, recursively."""
    end = len(data) if end is None else end
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        payload_start, payload_end = pos + header, pos + size
        if kind == b"jumb":
            inner_label = label
            if data[payload_start + 4:payload_start + 8] == b"jumd":
                description = data[payload_start + 8:payload_start + 8 + 17]
                if len(description) == 17 and description[16] & 2:
                    text_start = payload_start + 8 + 17
                    text_end = data.find(b"\0", text_start, payload_end)
                    if text_end > 0:
                        inner_label = data[text_start:text_end].decode("utf-8", "replace")
            yield from jumbf_boxes(data, payload_start, payload_end, inner_label)
        else:
            yield label, kind.decode("latin-1"), data[payload_start:payload_end]
        pos += size


def xmp_packets(data):
    start = 0
    while True:
        begin = data.find(b"<x:xmpmeta", start)
        if begin < 0:
            return
        finish = data.find(b"</x:xmpmeta>", begin)
        if finish < 0:
            return
        yield data[begin:finish + len(b"</x:xmpmeta>")]
        start = finish


HOSTILE_XMP = [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&c;</x:xmpmeta>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&e;</x:xmpmeta>',
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    + b"<rdf:Description>" * 300 + b"</rdf:Description>" * 300 + b"</rdf:RDF></x:xmpmeta>",
]

HOSTILE_CBOR = [
    b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff",  # array claiming 2^64-1 items
    b"\x5a\xff\xff\xff\xff",  # byte string of 4 GiB
    b"\x81" * 200 + b"\x00",  # nesting past the depth limit
    b"\xd8\x12\x84\x40\xa0\xf6\x40",  # tag 18: an empty COSE_Sign1
]


def cbor(value):
    """A minimal CBOR encoder (maps keep their order) for the merkle target's seeds."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(v) for v in value)
    return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())


def merkle_seeds(fixtures):
    """The merkle target's input: 2-byte length, a BMFF hash assertion's CBOR, then a BMFF file. The
    maps are real (leaves over the mdat's 1 KiB blocks after its first 16 bytes), so the seeds reach
    the leaf checks."""
    out = []
    for name in ("plain.mp4", "fragmented.mp4", "dash/init.mp4", "dash/seg-1.m4s"):
        path = fixtures / "fragments" / name
        if not path.exists():
            continue
        data = path.read_bytes()
        maps, offset = [], 0
        while offset + 8 <= len(data):
            size = int.from_bytes(data[offset:offset + 4], "big")
            if size < 8:
                break
            if data[offset + 4:offset + 8] == b"mdat":
                payload = data[offset + 16:offset + size]
                leaves = [hashlib.sha256(payload[i:i + 1024]).digest() for i in range(0, len(payload), 1024)]
                maps.append({"uniqueId": 0, "localId": len(maps), "count": len(leaves), "alg": "sha256", "hashes": leaves,
                             "fixedBlockSize": 1024})
            offset += size
        exclusions = [{"xpath": "/uuid", "data": [{"offset": 8, "value": bytes.fromhex("d8fec3d61b0e483c92975828877ec481")}]},
                      {"xpath": "/ftyp"}, {"xpath": "/mdat", "subset": [{"offset": 16, "length": 0}]}]
        for assertion in ({"exclusions": exclusions, "alg": "sha256", "merkle": maps},
                          {"exclusions": exclusions, "merkle": [{"uniqueId": 1, "localId": 1, "count": 4, "initHash": bytes(32),
                                                                 "hashes": [bytes(32)]}]}):
            encoded = cbor(assertion)
            if len(encoded) < 65536:
                out.append(len(encoded).to_bytes(2, "big") + encoded + data)
    return out


def main():
    out = pathlib.Path(sys.argv[1])
    seeds = {name: {} for name in ["jpeg", "png", "xmp", "exif", "jumbf", "cbor", "cose", "inspect", "verify", "pixels",
                                   "catalog", "page", "remote", "timestamp", "ocsp", "merkle", "video", "crjson"]}
    # A format's container target is named after the format, which is its usual extension (jpg aside).
    container_target = {".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".heic": "heif", ".3gp": "mp4", ".m4v": "mp4"}
    media_suffixes = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".dng", ".jxl", ".wav", ".mp3", ".flac", ".heic", ".heif", ".avif", ".gif",
                      ".mp4", ".m4v", ".3gp", ".mov", ".m4a"}

    def add(target, data):
        if data:
            seeds[target][hashlib.sha1(data).hexdigest()[:16]] = data

    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in media_suffixes:
            continue
        data = path.read_bytes()
        if len(data) <= MAX_WHOLE_FILE:
            target = container_target.get(path.suffix.lower(), path.suffix.lower()[1:])
            seeds.setdefault(target, {})
            add(target, data)
            for target in ("inspect", "verify", "pixels"):
                add(target, data)
        for packet in xmp_packets(data):
            add("xmp", packet)
        for marker, payload in jpeg_segments(data):
            if marker == 0xE1 and payload[:6] == b"Exif\0\0":
                add("exif", payload[6:])
        for kind, payload in png_chunks(data):
            if kind == "eXIf":
                add("exif", payload)
        for store in c2pa_stores(data):
            add("jumbf", store)
            add("remote", store)
            add("crjson", store)
            for label, kind, payload in jumbf_boxes(store):
                if kind == "cbor":
                    add("cose" if label.startswith("c2pa.signature") else "cbor", payload)
    for path in sorted((FIXTURES / "catalog").glob("*")):
        if path.is_file() and path.suffix in {".csv", ".tsv", ".json", ".jsonl"} and "expected" not in path.name:
            add("catalog", path.read_bytes())
    for path in sorted(FIXTURES.rglob("*.c2pa")):
        add("remote", path.read_bytes())
        add("crjson", path.read_bytes())
    for path in sorted((FIXTURES / "web").glob("*.htm*")):
        add("page", path.read_bytes())
    for seed in merkle_seeds(FIXTURES):
        add("merkle", seed)
    for path in sorted((FIXTURES / "video").glob("*")):
        if path.suffix.lower() in {".mp4", ".mkv", ".webm", ".mov"} and path.stat().st_size <= MAX_WHOLE_FILE:
            add("video", path.read_bytes())
    for packet in HOSTILE_XMP:
        add("xmp", packet)
    for item in HOSTILE_CBOR:
        add("cbor", item)
        add("cose", item)
    for target, items in seeds.items():
        folder = out / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in items.items():
            (folder / name).write_bytes(data)
        print(f"{target}: {len(items)} seeds")


if __name__ == "__main__":
    main()
