#!/usr/bin/env python3
"""Makes the small video fixtures in Fixtures/video/ with the ffmpeg executable (a tool other than ailabel).

Clips are tiny (a second or less, 320x240 or smaller) so the tests that transcode them stay fast.
Run: .venv/bin/python Fixtures/make_av_fixtures.py
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "video")

# A moving test pattern with noise: camera-like texture, so quality and watermark figures mean something.
SOURCE = "testsrc2=size={w}x{h}:rate={r},noise=alls=6:allf=t"
TONE = "sine=frequency=440:sample_rate=48000"
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def path(name):
    return os.path.join(OUT, name)


def video(w=320, h=240, r=10, seconds=1):
    return ["-f", "lavfi", "-i", SOURCE.format(w=w, h=h, r=r), "-t", str(seconds)]


def main():
    os.makedirs(OUT, exist_ok=True)
    # H.264 + AAC + a mov_text subtitle in MP4.
    srt = path("subtitle.srt")
    with open(srt, "w") as f:
        f.write("1\n00:00:00,000 --> 00:00:00,900\nhello\n")
    ffmpeg(*video(), "-f", "lavfi", "-i", TONE, "-i", srt, "-t", "1", "-map", "0:v", "-map", "1:a", "-map", "2:s",
           "-c:v", "libx264", "-preset", "fast", "-crf", "20", "-pix_fmt", "yuv420p",
           "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
           "-c:a", "aac", "-b:a", "64k", "-c:s", "mov_text", *BITEXACT, path("h264-aac-subtitle.mp4"))
    os.remove(srt)
    # Three seconds of H.264 + AAC in MP4, for a badge shown at the start only and then cut away.
    ffmpeg(*video(seconds=3), "-f", "lavfi", "-i", TONE, "-t", "3", "-c:v", "libx264", "-preset", "fast", "-crf", "20",
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", *BITEXACT, path("h264-3s.mp4"))
    # Rotated 90° (display matrix), no audio.
    # (FFmpeg 5.1 writes the matrix from the `rotate` tag only on a stream copy.)
    upright = path("upright.mp4")
    ffmpeg(*video(), "-c:v", "libx264", "-preset", "fast", "-crf", "20", "-pix_fmt", "yuv420p", *BITEXACT, upright)
    ffmpeg("-i", upright, "-c", "copy", "-metadata:s:v:0", "rotate=90", *BITEXACT, path("h264-rotated.mp4"))
    os.remove(upright)
    # Matched quality: grainy H.264 sources of very different quality (the QP the source's encoder chose is
    # what ailabel's re-encode follows): a fine one (CRF 13) and a coarse one (CRF 34), half a second each.
    for name, crf in (("h264-fine.mp4", "13"), ("h264-coarse.mp4", "34")):
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10,noise=alls=12:allf=t", "-t", "0.5",
               "-c:v", "libx264", "-preset", "fast", "-crf", crf, "-pix_fmt", "yuv420p", *BITEXACT, path(name))
    # H.265 in MP4.
    ffmpeg(*video(), "-c:v", "libx265", "-preset", "fast", "-crf", "22", "-pix_fmt", "yuv420p", "-tag:v", "hvc1",
           "-x265-params", "log-level=none", *BITEXACT, path("hevc.mp4"))
    # VP9 + Opus in WebM.
    ffmpeg(*video(), "-f", "lavfi", "-i", TONE, "-t", "1", "-c:v", "libvpx-vp9", "-crf", "30", "-b:v", "0",
           "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", "-b:a", "48k", *BITEXACT, path("vp9-opus.webm"))
    # AV1 in Matroska (half a second, small).
    ffmpeg(*video(w=192, h=144, r=10, seconds=0.5), "-c:v", "libaom-av1", "-crf", "40", "-b:v", "0", "-cpu-used", "8",
           *BITEXACT, path("av1.mkv"))
    # Variable frame rate: frames at uneven times (select drops some, vsync passthrough keeps their times).
    ffmpeg(*video(r=30, seconds=1), "-vf", "select='not(mod(n\\,3))+not(mod(n\\,7))'", "-fps_mode", "passthrough",
           "-c:v", "libx264", "-preset", "fast", "-crf", "20", "-pix_fmt", "yuv420p", *BITEXACT, path("vfr.mp4"))
    # 120 streams: one video and 119 tiny audio tracks.
    inputs = video(w=64, h=48, r=5, seconds=0.4)
    maps = ["-map", "0:v"]
    inputs += ["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono"]
    for _ in range(119):
        maps += ["-map", "1:a"]
    ffmpeg(*inputs, "-t", "0.4", *maps, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le",
           *BITEXACT, path("many-streams.mkv"))
    # Frames of absurd size: one 256x256 gray raw-video frame in Matroska whose PixelWidth and PixelHeight
    # (two bytes each) are patched to 16000x16000: 256 megapixels declared (libav itself accepts that size).
    raw = path("absurd-size.mkv")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=256x256:rate=5", "-frames:v", "1", "-c:v", "rawvideo",
           "-pix_fmt", "gray", *BITEXACT, raw)
    data = bytearray(open(raw, "rb").read())
    for element in (0xB0, 0xBA):
        at = data.find(bytes([element, 0x82, 0x01, 0x00]))
        assert at > 0, "PixelWidth/PixelHeight not found"
        data[at + 2:at + 4] = (16000).to_bytes(2, "big")
    open(raw, "wb").write(data)
    # A stream no decoder knows: the Matroska codec ID of an H.264 clip renamed.
    unknown = path("unknown-codec.mkv")
    ffmpeg(*video(w=64, h=48, r=5, seconds=0.4), "-c:v", "libx264", "-preset", "ultrafast", *BITEXACT, unknown)
    data = bytearray(open(unknown, "rb").read())
    at = data.find(b"V_MPEG4/ISO/AVC")
    assert at > 0
    data[at:at + 15] = b"V_AILABEL/NONE!"
    open(unknown, "wb").write(data)
    # Hostile sound tracks for the audible cue in movies (AudibleMovieCLITests): 150 AAC tracks beside one
    # video in MP4 (over the 64 streams the audio decoder takes); 8-channel (7.1) AAC in M4A; an MP4 whose
    # audio track holds no sample.
    inputs = video(w=64, h=48, r=5, seconds=0.2) + ["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono"]
    maps = ["-map", "0:v"] + ["-map", "1:a"] * 150
    ffmpeg(*inputs, "-t", "0.2", *maps, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "8k",
           *BITEXACT, path("many-audio-streams.mp4"))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000", "-t", "1.5", "-af", "pan=7.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0|c6=c0|c7=c0",
           "-c:a", "aac", "-b:a", "256k", *BITEXACT, path("eight-channels.m4a"))
    # (ffmpeg writes no track at all for zero audio frames: the last stsz and stts, the audio track's, are
    # patched to hold no sample.)
    empty = path("empty-audio.mp4")
    ffmpeg(*video(w=64, h=48, r=5, seconds=0.4), "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "0.4",
           "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", *BITEXACT, empty)
    data = bytearray(open(empty, "rb").read())
    at = data.rfind(b"stsz")
    data[at + 12:at + 16] = bytes(4)
    at = data.rfind(b"stts")
    data[at + 8:at + 12] = bytes(4)
    open(empty, "wb").write(data)
    # Truncated: the first 3 kB of the H.264 clip.
    whole = open(path("h264-aac-subtitle.mp4"), "rb").read()
    open(path("truncated.mp4"), "wb").write(whole[:3000])
    # Garbage named .mp4.
    import random
    rng = random.Random(18)
    open(path("garbage.mp4"), "wb").write(bytes(rng.randrange(256) for _ in range(4096)))


if __name__ == "__main__":
    sys.exit(main())
