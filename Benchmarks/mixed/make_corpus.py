#!/usr/bin/env python3
"""Generates the mixed-format benchmark corpus: N photo-like images of about 1 MP spread evenly over
the still formats, with a fixed seed so every run measures the same bytes.

    make_corpus.py OUT_DIR N FORMAT...

FORMAT is any of jpeg png webp tiff gif avif jxl heif; the runner passes the formats the built ailabel
reads (a format it cannot read yet would measure only its refusal). Pillow writes JPEG, PNG, WebP, TIFF,
GIF and AVIF; `cjxl` writes JPEG XL and `heif-enc` HEIF, when installed.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "stamp-verify"))
from make_corpus import photo  # noqa: E402  (the same photo-like generator as the JPEG/PNG benchmark)

EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "tiff": "tif", "gif": "gif", "avif": "avif", "jxl": "jxl", "heif": "heic"}


def write(image, path, fmt, scratch):
    if fmt == "jpeg":
        image.save(path, "JPEG", quality=92)
    elif fmt == "png":
        image.save(path, compress_level=6)
    elif fmt == "webp":
        image.save(path, "WEBP", quality=85)
    elif fmt == "tiff":
        image.save(path, "TIFF", compression="tiff_deflate")
    elif fmt == "gif":
        image.convert("P", palette=1, colors=256).save(path, "GIF")
    elif fmt == "avif":
        image.save(path, "AVIF", quality=70, speed=10)
    elif fmt in ("jxl", "heif"):
        source = os.path.join(scratch, "source.png")
        image.save(source)
        tool = ["cjxl", "-q", "85", "-e", "3", "--quiet", source, path] if fmt == "jxl" else ["heif-enc", "-q", "70", source, "-o", path]
        subprocess.run(tool, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def available(fmt):
    return {"jxl": shutil.which("cjxl"), "heif": shutil.which("heif-enc")}.get(fmt, True)


def main():
    out, count, formats = sys.argv[1], int(sys.argv[2]), [f for f in sys.argv[3:] if available(f)]
    if not formats:
        sys.exit("make_corpus.py: no format to write")
    os.makedirs(out, exist_ok=True)
    templates = [photo(1152, 864, seed) for seed in range(16)]
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(count):
            image = templates[index % len(templates)].rotate(0, translate=(rng.randint(-8, 8), rng.randint(-8, 8)))
            fmt = formats[index % len(formats)]
            folder = os.path.join(out, f"batch{index // 100:02d}")
            os.makedirs(folder, exist_ok=True)
            write(image, os.path.join(folder, f"img{index:04d}.{EXTENSIONS[fmt]}"), fmt, scratch)


if __name__ == "__main__":
    main()
