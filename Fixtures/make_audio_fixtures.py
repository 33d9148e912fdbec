#!/usr/bin/env python3
"""Makes the audio fixtures (WAV, RF64 WAV, MP3, FLAC) in Fixtures/media, Fixtures/malformed and
Fixtures/c2pa/sdk.

Run with the project's virtual environment (scripts/setup makes it and installs ffmpeg):
    .venv/bin/python Fixtures/make_audio_fixtures.py

ffmpeg writes every well-formed file (`-fflags +bitexact` keeps its version out of them), so they
come from a tool other than ailabel: PCM WAV (16-bit, 32-bit float), an RF64 WAV, a WAV with a
LIST/INFO chunk, MP3 with an ID3v2.4 tag, with an ID3v2.3 tag and with none, FLAC, and an MP3 and a
FLAC carrying a TC260 label where `ffmpeg -metadata AIGC=…` puts it (ID3 TXXX:AIGC, Vorbis comment).
Malformed files are cut or corrupted copies, one per attack. Files signed by the reference SDK
(c2pa-python) with the fixtures PKI (Fixtures/c2pa/keys) go to Fixtures/c2pa/sdk with the SDK's
verdict beside them, intact and with one audio byte changed.
"""
import io
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
MALFORMED = os.path.join(HERE, "malformed")
SDK = os.path.join(HERE, "c2pa", "sdk")
KEYS = os.path.join(HERE, "c2pa", "keys")
AIGC = '{"Label":"1","ContentProducer":"fixture-tool","ProduceID":"audio-0001","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}'


def ffmpeg(name, *arguments, source="sine=frequency=440:duration=0.5:sample_rate=16000"):
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, os.path.basename(name))
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-fflags", "+bitexact",
                        "-flags", "+bitexact", *arguments, out], check=True)
        return open(out, "rb").read()


def tag_size(data):
    """The size of the ID3v2 tag at the start of `data` (0 if none), header included."""
    if data[:3] != b"ID3":
        return 0
    return 10 + sum((data[6 + i] & 0x7F) << (7 * (3 - i)) for i in range(4))


def without_tag(data):
    return data[tag_size(data):]


def save(folder, name, data):
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)
    print(f"{os.path.relpath(os.path.join(folder, name), HERE)}: {len(data)} bytes")


def well_formed():
    files = {
        "pcm16.wav": ffmpeg("a.wav", "-c:a", "pcm_s16le"),
        "float32-stereo.wav": ffmpeg("a.wav", "-ac", "2", "-c:a", "pcm_f32le"),
        "rf64.wav": ffmpeg("a.wav", "-c:a", "pcm_s16le", "-rf64", "always"),
        "info.wav": ffmpeg("a.wav", "-c:a", "pcm_u8", "-metadata", "title=Fixture tone", "-metadata", "comment=made by ffmpeg"),
        "id3v24.mp3": ffmpeg("a.mp3", "-c:a", "libmp3lame", "-b:a", "32k", "-metadata", "title=Fixture tone"),
        "id3v23.mp3": ffmpeg("a.mp3", "-c:a", "libmp3lame", "-b:a", "32k", "-id3v2_version", "3", "-metadata", "artist=Fixture"),
        # ffmpeg still writes an empty ID3v2 tag with -write_id3v2 0: the file starts after it.
        "no-tag.mp3": without_tag(ffmpeg("a.mp3", "-c:a", "libmp3lame", "-b:a", "32k", "-write_id3v2", "0", "-write_xing", "0")),
        "aigc-tag.mp3": ffmpeg("a.mp3", "-c:a", "libmp3lame", "-q:a", "6", "-metadata", "AIGC=" + AIGC),
        "stereo.flac": ffmpeg("a.flac", "-ac", "2", "-sample_fmt", "s16"),
        "aigc-comment.flac": ffmpeg("a.flac", "-sample_fmt", "s16", "-metadata", "AIGC=" + AIGC),
    }
    for name, data in files.items():
        save(MEDIA, name, data)
    return files


def malformed(files):
    wav, rf64, mp3, flac = files["pcm16.wav"], files["rf64.wav"], files["id3v24.mp3"], files["stereo.flac"]
    save(MALFORMED, "wav-riff-size-past-end.wav", wav[:4] + struct.pack("<I", 0x7FFF0000) + wav[8:200])
    data = wav.index(b"data")
    save(MALFORMED, "wav-chunk-size-past-end.wav", wav[:data + 4] + struct.pack("<I", 0x7FFF0000) + wav[data + 8:])
    save(MALFORMED, "wav-truncated.wav", wav[:len(wav) // 2])
    ds64 = rf64.index(b"ds64")
    save(MALFORMED, "rf64-ds64-size-past-end.wav", rf64[:ds64 + 8] + struct.pack("<Q", 1 << 40) + rf64[ds64 + 16:])
    save(MALFORMED, "rf64-data-size-past-end.wav", rf64[:ds64 + 16] + struct.pack("<Q", 1 << 40) + rf64[ds64 + 24:])
    # ID3: the tag size past the end of the file, a size byte with its high bit set (synchsafe overflow),
    # a frame size past the end of the tag, and a compressed frame shorter than its 4-byte size field.
    save(MALFORMED, "mp3-id3-size-past-end.mp3", mp3[:6] + bytes([0x7F, 0x7F, 0x7F, 0x7F]) + mp3[10:400])
    save(MALFORMED, "mp3-id3-synchsafe-overflow.mp3", mp3[:6] + bytes([0, 0, 0x80, 0x10]) + mp3[10:])
    save(MALFORMED, "mp3-id3-frame-past-end.mp3", mp3[:14] + bytes([0, 0, 0x7F, 0x7F]) + mp3[18:])
    frame = b"TIT2" + struct.pack(">I", 3) + bytes([0x00, 0x80]) + b"\x00\x00\x00"
    audio = files["no-tag.mp3"]
    save(MALFORMED, "mp3-id3-compression-underflow.mp3", b"ID3\x03\x00\x00" + bytes([0, 0, 0, len(frame)]) + frame + audio)
    tag_end = tag_size(mp3)
    save(MALFORMED, "mp3-no-frames.mp3", mp3[:tag_end] + b"\x00" * 200)
    save(MALFORMED, "flac-block-length-past-end.flac", flac[:5] + bytes([0x7F, 0xFF, 0xFF]) + flac[8:])
    # The VORBIS_COMMENT block: its field count claims far more fields than the block holds.
    position, block = 4, None
    while position < len(flac):
        kind, length = flac[position] & 0x7F, int.from_bytes(flac[position + 1:position + 4], "big")
        if kind == 4:
            block = position
            break
        position += 4 + length
    vendor = struct.unpack("<I", flac[block + 4:block + 8])[0]
    count_at = block + 8 + vendor
    save(MALFORMED, "flac-vorbis-count-bomb.flac", flac[:count_at] + struct.pack("<I", 0x7FFFFFFF) + flac[count_at + 4:])
    save(MALFORMED, "flac-no-streaminfo.flac", b"fLaC" + bytes([0x84, 0, 0, 8]) + b"\x00" * 8 + flac[8 + 4 + 34:])
    # An MP3 (an empty ID3 tag, then MPEG frames) whose bytes after the tag FFmpeg's probe reads as a
    # concat script or an HLS playlist, which name other files: FFmpeg would decode those instead. The
    # frames sit in a comment line (their line breaks and NULs replaced, which their headers do not
    # hold), so ailabel's MP3 parser finds them and FFmpeg's line readers skip them.
    frames = audio
    for byte in (b"\n", b"\r", b"\x00"):
        frames = frames.replace(byte, b"\x01")
    empty_tag = b"ID3\x04\x00\x00\x00\x00\x00\x00"
    save(MALFORMED, "mp3-concat-script-behind-id3.mp3",
         empty_tag + b"ffconcat version 1.0\nfile Fixtures/media/pcm16.wav\n#" + frames + b"\n")
    save(MALFORMED, "mp3-hls-playlist-behind-id3.mp3",
         empty_tag + b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10,\n"
         b"file:Fixtures/media/pcm16.wav\n#EXTINF:10,\nhttp://127.0.0.1:9/beacon.mp3\n#EXT-X-ENDLIST\n#" + frames + b"\n")


def sdk_sign(data, mime, title):
    import c2pa
    manifest = {
        "claim_generator_info": [{"name": "make_audio_fixtures.py", "version": "1"}],
        "title": title,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}]}}],
    }
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}, "verify": {"verify_after_sign": False}})
    builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
    key, chain = open(os.path.join(KEYS, "fixtures-signer.key"), "rb").read(), open(os.path.join(KEYS, "fixtures-chain.pem"), "rb").read()
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, key, None))
    out = io.BytesIO()
    builder.sign(signer, mime, io.BytesIO(data), out)
    return out.getvalue()


def suffix_of(name):
    return os.path.splitext(name)[1]


def sdk_fixtures(files):
    sys.path.insert(0, os.path.join(HERE, "c2pa"))
    import referee
    for source, mime, name in (("pcm16.wav", "audio/wav", "signed.wav"), ("id3v24.mp3", "audio/mpeg", "signed.mp3"),
                               ("stereo.flac", "audio/flac", "signed.flac")):
        signed = sdk_sign(files[source], mime, name)
        # One byte of the audio changed (inside WAV's data chunk; MP3 and FLAC frames follow their
        # metadata): the data hash must fail.
        tampered = bytearray(signed)
        tampered[signed.index(b"data") + 100 if suffix_of(name) == ".wav" else len(tampered) - 40] ^= 0x21
        stem, suffix = os.path.splitext(name)
        for out_name, data in ((name, signed), (f"{stem}-audio-changed{suffix}", bytes(tampered))):
            path = os.path.join(SDK, out_name)
            save(SDK, out_name, data)
            verdict = referee.read(path, [os.path.join(KEYS, "fixtures-root.pem")], None, mime)
            with open(path + ".expected.json", "w") as handle:
                json.dump(verdict, handle, indent=2, sort_keys=True)
                handle.write("\n")
            print(f"  SDK: {verdict['state']} {verdict['failure']}")


MUSIC = ("aevalsrc=0.25*sin(2*PI*220*t)*(1+0.5*sin(2*PI*2*t))+0.15*sin(2*PI*660*t+2*sin(2*PI*3*t))"
         "+0.1*sin(2*PI*1320*t)*(0.5+0.5*sin(2*PI*0.7*t))+0.03*(random(0)-0.5):s=44100:d=6")


def audio_marks():
    """Files for the audible disclosure and the audio watermark (issue 18): six seconds of a music-like
    mix at 44.1 kHz (long enough for one watermark period), and the hostile inputs the decode path must
    refuse by name: eight channels (accepted), zero-length audio, absurd sample rates, FLAC frames FFmpeg
    cannot decode."""
    files = {
        "music-6s.wav": ffmpeg("a.wav", "-ac", "2", "-ar", "22050", "-c:a", "pcm_s16le", source=MUSIC),
        "music-6s-24bit.flac": ffmpeg("a.flac", "-ac", "2", "-sample_fmt", "s32", "-bits_per_raw_sample", "24", source=MUSIC),
        "music-6s.mp3": ffmpeg("a.mp3", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", "-metadata", "title=Fixture music", source=MUSIC),
        "eight-channels.wav": ffmpeg("a.wav", "-ac", "8", "-c:a", "pcm_s16le"),
    }
    for name, data in files.items():
        save(MEDIA, name, data)
    wav = files["eight-channels.wav"]
    data = wav.index(b"data")
    save(MALFORMED, "wav-zero-length.wav", wav[:4] + struct.pack("<I", data) + wav[8:data] + b"data" + struct.pack("<I", 0))
    fmt = wav.index(b"fmt ")
    save(MALFORMED, "wav-absurd-rate.wav", wav[:fmt + 12] + struct.pack("<I", 4_000_000_000) + wav[fmt + 16:])
    save(MALFORMED, "wav-rate-1hz.wav", wav[:fmt + 12] + struct.pack("<I", 1) + wav[fmt + 16:])
    flac = files["music-6s-24bit.flac"]
    position = 4
    while True:
        last, length = flac[position] & 0x80, int.from_bytes(flac[position + 1:position + 4], "big")
        position += 4 + length
        if last:
            break
    save(MALFORMED, "flac-undecodable-frames.flac", flac[:position] + bytes((i * 37 + 11) & 0xFF for i in range(4000)))


def main():
    files = well_formed()
    malformed(files)
    audio_marks()
    sdk_fixtures(files)


if __name__ == "__main__":
    main()
