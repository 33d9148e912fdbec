#!/usr/bin/env python3
"""Makes the Merkle and fragmented-MP4 fixtures in Fixtures/fragments.

Run with the project's virtual environment (scripts/setup installs ffmpeg):
    .venv/bin/python Fixtures/make_fragment_fixtures.py

ffmpeg writes every file (H.264 test pattern, `-fflags +bitexact`), so they come from a tool other
than ailabel:

- `plain.mp4`: a 2 s progressive MP4 (`mdat` before `moov`), one `mdat` of about 8 kB, for Merkle maps
  over `mdat` blocks (the tests have the reference SDK sign it with `core.merkle_tree_chunk_size_in_kb`);
- `fragmented.mp4`: the same movie in one file with `-movflags frag_keyframe+empty_moov` (two
  `moof`/`mdat` runs and an `mfra`);
- `dash/init.mp4` and `dash/seg-1.m4s` … `seg-4.m4s`: ffmpeg's DASH muxer (one-second segments, each
  `styp`, `sidx`, `moof`, `mdat`), the init segment and fragments `ailabel stamp --fragments` signs.

The files are small (under 12 kB each); tests copy them before changing them.
"""
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fragments")
COMMON = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "0", "-flags", "+bitexact", "-fflags", "+bitexact",
          "-map_metadata", "-1"]


def ffmpeg(source, *arguments):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, *arguments], check=True)


def main():
    os.makedirs(os.path.join(OUT, "dash"), exist_ok=True)
    ffmpeg("testsrc=size=160x120:rate=15", "-t", "2", *COMMON, "-g", "15", os.path.join(OUT, "plain.mp4"))
    ffmpeg("testsrc=size=160x120:rate=15", "-t", "2", *COMMON, "-g", "15", "-movflags", "frag_keyframe+empty_moov",
           os.path.join(OUT, "fragmented.mp4"))
    with tempfile.TemporaryDirectory() as folder:
        ffmpeg("testsrc=size=96x64:rate=10", "-t", "4", *COMMON, "-g", "10", "-f", "dash", "-seg_duration", "1",
               "-use_template", "1", "-use_timeline", "0", "-init_seg_name", "init.mp4",
               "-media_seg_name", "seg-$Number$.m4s", os.path.join(folder, "stream.mpd"))
        for name in sorted(os.listdir(folder)):
            if name.endswith((".mp4", ".m4s")):
                shutil.copy(os.path.join(folder, name), os.path.join(OUT, "dash", name))
    for root, _, names in os.walk(OUT):
        for name in sorted(names):
            path = os.path.join(root, name)
            print(f"{os.path.relpath(path, HERE)}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
