#!/usr/bin/env python3
"""Makes the movie fixtures (MP4, MOV, M4A, 3GP) in Fixtures/media, Fixtures/malformed and
Fixtures/c2pa/sdk.

Run with the project's virtual environment (scripts/setup makes it and installs ffmpeg):
    .venv/bin/python Fixtures/make_video_fixtures.py

ffmpeg writes every well-formed file from its test sources (`-fflags +bitexact` keeps its version
out of them), so they come from a tool other than ailabel: H.264, H.265 and VP9 in MP4 (H.264 both
with `moov` after `mdat`, ffmpeg's default, and before it, `-movflags +faststart`), a QuickTime MOV,
AAC in M4A, a 3GP, an MP4 carrying a TC260 label where `ffmpeg -metadata AIGC=… -movflags
use_metadata_tags` puts it (the `AIGC` key of `moov/udta/meta`), and an MP4 and a MOV with XMP
written by exiftool (a `uuid` box in MP4, `moov/udta/XMP_` in MOV). Every file is 64×48 and under a
second. Malformed files are cut or corrupted copies, one per attack on a BMFF parser. The reference
SDK (c2pa-python) signs an MP4, a MOV and an M4A with the fixtures PKI (Fixtures/c2pa/keys).
Fixtures/sidecar-only holds a WebM, a Matroska, an Ogg, a raw AAC (ADTS) and an MPEG-TS file, all
named .bin: containers with no C2PA embedding, told by their magic bytes alone.
"""
import io
import os
import struct
import subprocess
import tempfile

import c2pa

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
MALFORMED = os.path.join(HERE, "malformed")
SDK = os.path.join(HERE, "c2pa", "sdk")
KEYS = os.path.join(HERE, "c2pa", "keys")
SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
AIGC = '{"Label":"1","ContentProducer":"fixture-tool","ProduceID":"video-0001","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}'

VIDEO = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=0.8"]
AUDIO = ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.8:sample_rate=16000"]
BITEXACT = ["-fflags", "+bitexact", "-flags", "+bitexact", "-map_metadata", "-1"]


def ffmpeg(name, *arguments):
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, name)
        subprocess.run(["ffmpeg", "-v", "error", "-y", *arguments, *BITEXACT, out], check=True)
        return open(out, "rb").read()


def exiftool(name, data, *arguments):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        subprocess.run(["exiftool", "-q", "-overwrite_original", *arguments, path], check=True)
        return open(path, "rb").read()


def save(folder, name, data):
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)
    print(f"{os.path.relpath(os.path.join(folder, name), HERE)}: {len(data)} bytes")


def boxes(data, start=0, end=None):
    """(type, start, size, header) of the boxes between start and end."""
    end = len(data) if end is None else end
    out = []
    while start + 8 <= end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[start + 8:start + 16])[0]
            header = 16
        elif size == 0:
            size = end - start
        out.append((kind.decode("latin-1"), start, size, header))
        start += size
    return out


def find(data, path):
    """The first box at a path of types (containers have 8-byte headers; stbl's children are leaves)."""
    start, end = 0, len(data)
    found = None
    for kind in path:
        found = next(b for b in boxes(data, start, end) if b[0] == kind)
        start, end = found[1] + found[3], found[1] + found[2]
    return found


def well_formed():
    h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    aac = ["-c:a", "aac", "-b:a", "24k"]
    files = {
        "h264.mp4": ffmpeg("a.mp4", *VIDEO, *AUDIO, *h264, *aac),
        "faststart.mp4": ffmpeg("a.mp4", *VIDEO, *AUDIO, *h264, *aac, "-movflags", "+faststart"),
        "h265.mp4": ffmpeg("a.mp4", *VIDEO, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
                           "-tag:v", "hvc1", "-pix_fmt", "yuv420p"),
        "vp9.mp4": ffmpeg("a.mp4", *VIDEO, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-b:v", "50k"),
        "movie.mov": ffmpeg("a.mov", *VIDEO, *AUDIO, *h264, *aac),
        "aac.m4a": ffmpeg("a.m4a", *AUDIO, *aac),
        "video.3gp": ffmpeg("a.3gp", *VIDEO, *AUDIO, *h264, "-c:a", "aac", "-ac", "1", "-ar", "8000", "-b:a", "12k"),
    }
    # -map_metadata -1 drops the AIGC key with the rest: aigc.mp4 is made without it.
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "a.mp4")
        subprocess.run(["ffmpeg", "-v", "error", "-y", *VIDEO, *h264, "-fflags", "+bitexact", "-flags", "+bitexact",
                        "-metadata", "AIGC=" + AIGC, "-movflags", "use_metadata_tags", out], check=True)
        files["aigc.mp4"] = open(out, "rb").read()
    files["xmp.mp4"] = exiftool("a.mp4", files["h264.mp4"], "-XMP-dc:Title=MP4 Fixture Title", "-XMP-dc:Creator=MP4 Fixture Author")
    files["xmp.mov"] = exiftool("a.mov", files["movie.mov"], "-XMP-dc:Title=MOV Fixture Title", "-XMP-dc:Creator=MOV Fixture Author")
    for name, data in files.items():
        save(MEDIA, name, data)
    return files


def sidecar_only():
    """Containers with no C2PA embedding, named .bin so that only their magic bytes tell them."""
    folder = os.path.join(HERE, "sidecar-only")
    os.makedirs(folder, exist_ok=True)
    files = {
        "webm.bin": ffmpeg("a.webm", *VIDEO, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-b:v", "50k"),
        "matroska.bin": ffmpeg("a.mkv", *VIDEO, "-c:v", "libx264", "-preset", "ultrafast"),
        "ogg.bin": ffmpeg("a.ogg", *AUDIO, "-c:a", "libvorbis"),
        "aac.bin": ffmpeg("a.aac", *AUDIO, "-c:a", "aac", "-b:a", "24k"),
        "mpegts.bin": ffmpeg("a.ts", *VIDEO, "-c:v", "libx264", "-preset", "ultrafast"),
    }
    for name, data in files.items():
        save(folder, name, data)


def replaced(data, box, new_bytes):
    return data[:box[1]] + new_bytes + data[box[1] + box[2]:]


def grow(data, path, extra):
    """Adds `extra` bytes to the size field of every box on `path` (containers growing with their content)."""
    out = bytearray(data)
    start, end = 0, len(data)
    for kind in path:
        box = next(b for b in boxes(bytes(out), start, end) if b[0] == kind)
        struct.pack_into(">I", out, box[1], box[2] + extra)
        start, end = box[1] + box[3], box[1] + box[2] + extra
    return out


def malformed(files):
    plain = files["faststart.mp4"]
    moov = find(plain, ["moov"])
    udta_end = moov[1] + moov[2]
    # 40 udta boxes nested in each other at the end of moov: deeper than c2pa-rs's 32 levels.
    inner = b""
    for _ in range(40):
        inner = struct.pack(">I4s", 8 + len(inner), b"udta") + inner
    nested = grow(plain, ["moov"], len(inner))
    save(MALFORMED, "mp4-deeply-nested.mp4", bytes(nested[:udta_end]) + inner + bytes(nested[udta_end:]))
    # A box inside moov whose size is 0 ("to the end of the file"): it would swallow mdat, and a walk
    # that took it for a small box would read the same bytes again.
    zero = bytearray(plain)
    trak = find(plain, ["moov", "trak"])
    struct.pack_into(">I", zero, trak[1], 0)
    save(MALFORMED, "mp4-box-size-zero-inside.mp4", bytes(zero))
    # A box whose size is smaller than its header: a walk that kept going would loop on it.
    tiny = bytearray(plain)
    struct.pack_into(">I", tiny, trak[1], 4)
    save(MALFORMED, "mp4-box-size-loop.mp4", bytes(tiny))
    # moov with a 64-bit size far past the end of the file.
    large = bytearray(plain[:moov[1]]) + struct.pack(">I4sQ", 1, b"moov", 1 << 62) + plain[moov[1] + 8:]
    save(MALFORMED, "mp4-box-64bit-size-past-end.mp4", bytes(large))
    # A trak claiming more bytes than moov holds: it overlaps the next box.
    overlap = bytearray(plain)
    struct.pack_into(">I", overlap, trak[1], trak[2] + 64)
    save(MALFORMED, "mp4-box-overlaps-parent.mp4", bytes(overlap))
    # stco offsets past the end of the file.
    stco = find(plain, ["moov", "trak", "mdia", "minf", "stbl", "stco"])
    outside = bytearray(plain)
    count = struct.unpack(">I", plain[stco[1] + 12:stco[1] + 16])[0]
    for entry in range(count):
        struct.pack_into(">I", outside, stco[1] + 16 + 4 * entry, len(plain) + 1000 + entry)
    save(MALFORMED, "mp4-stco-outside-file.mp4", bytes(outside))
    # stco declaring more entries than it holds.
    overcount = bytearray(plain)
    struct.pack_into(">I", overcount, stco[1] + 12, 0x40000000)
    save(MALFORMED, "mp4-stco-count-past-box.mp4", bytes(overcount))
    save(MALFORMED, "mp4-truncated.mp4", plain[:moov[1] + moov[2] // 2])


def sdk_sign(data, mime, title):
    manifest = {
        "claim_generator_info": [{"name": "make_video_fixtures.py", "version": "1"}],
        "title": title,
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


def main():
    for folder in (MEDIA, MALFORMED, SDK):
        os.makedirs(folder, exist_ok=True)
    files = well_formed()
    malformed(files)
    sidecar_only()
    save(SDK, "signed.mp4", sdk_sign(files["h264.mp4"], "video/mp4", "signed.mp4"))
    save(SDK, "signed-faststart.mp4", sdk_sign(files["faststart.mp4"], "video/mp4", "signed-faststart.mp4"))
    save(SDK, "signed.mov", sdk_sign(files["movie.mov"], "video/quicktime", "signed.mov"))
    save(SDK, "signed.m4a", sdk_sign(files["aac.m4a"], "audio/mp4", "signed.m4a"))


if __name__ == "__main__":
    main()
