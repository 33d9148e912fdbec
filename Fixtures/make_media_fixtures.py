#!/usr/bin/env python3
"""Makes the media-layer fixtures in Fixtures/media and Fixtures/malformed.

Run with the project's virtual environment (scripts/setup makes it):
    .venv/bin/python Fixtures/make_media_fixtures.py

Images are synthetic "photo-like" scenes (gradients, soft shapes and noise) drawn with a fixed seed, so
every run gives the same pixels. Metadata is written by Pillow and, where Pillow cannot, by exiftool, so
the fixtures come from tools other than ailabel. Malformed files are cut or corrupted copies of them.
"""
import io
import os
import random
import shutil
import struct
import subprocess
import zlib

from PIL import Image, ImageCms, ImageDraw, ImageFilter, PngImagePlugin

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
MALFORMED = os.path.join(HERE, "malformed")


def photo(width, height, seed):
    """A smooth sky-to-ground gradient with blurred shapes and mild noise: compresses like a photo."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    top = (rng.randint(60, 140), rng.randint(110, 180), rng.randint(170, 240))
    bottom = (rng.randint(40, 120), rng.randint(70, 140), rng.randint(20, 80))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(12):
        x, y = rng.randint(0, width), rng.randint(0, height)
        r = rng.randint(max(2, min(width, height) // 20), max(3, min(width, height) // 4))
        colour = tuple(rng.randint(30, 230) for _ in range(3))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(radius=max(1, min(width, height) // 60)))
    noise = Image.effect_noise((width, height), 12).convert("L")
    return Image.merge("RGB", [Image.blend(c, noise, 0.08) for c in image.split()])


def save_jpeg(image, name, **options):
    path = os.path.join(MEDIA, name)
    image.save(path, "JPEG", **options)
    return path


def exiftool(*args):
    subprocess.run(["exiftool", "-q", "-overwrite_original", *args], check=True)


def exif_block(**tags):
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[int(tag)] = value
    return exif


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main():
    for folder in (MEDIA, MALFORMED):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)

    # --- JPEG ---
    save_jpeg(photo(64, 48, 1), "tiny-64x48.jpg", quality=85)
    save_jpeg(photo(640, 480, 2), "photo-640x480.jpg", quality=82)
    save_jpeg(photo(480, 640, 3), "portrait-480x640.jpg", quality=90, subsampling="4:4:4")
    save_jpeg(photo(320, 240, 4), "exif.jpg", quality=80,
              exif=exif_block(**{"271": "FixtureCam", "272": "Model F", "306": "2025:11:17 10:00:00", "305": "PhotoTool 2"}))
    path = save_jpeg(photo(320, 240, 5), "xmp.jpg", quality=80)
    exiftool("-XMP-dc:Title=Fixture with XMP", "-XMP-dc:Creator=Fixture Author", "-XMP-dc:Rights=CC BY 4.0", path)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    save_jpeg(photo(320, 240, 6), "icc.jpg", quality=80, icc_profile=srgb)
    path = save_jpeg(photo(400, 300, 7), "all-metadata.jpg", quality=85, icc_profile=srgb,
                     exif=exif_block(**{"271": "FixtureCam", "270": "Owner's own description"}))
    exiftool("-XMP-dc:Title=Everything", "-XMP-photoshop:Credit=Fixture Agency", "-Comment=a JPEG comment", path)
    save_jpeg(photo(320, 240, 8), "progressive.jpg", quality=75, progressive=True)
    photo(200, 150, 9).convert("L").save(os.path.join(MEDIA, "grayscale.jpg"), "JPEG", quality=80)
    photo(200, 150, 10).convert("CMYK").save(os.path.join(MEDIA, "cmyk.jpg"), "JPEG", quality=85)
    save_jpeg(photo(300, 200, 11), "restart-markers.jpg", quality=70)
    # Restart markers: re-encode with libjpeg's cjpeg-equivalent option through Pillow's encoder.
    Image.open(os.path.join(MEDIA, "restart-markers.jpg")).save(
        os.path.join(MEDIA, "restart-markers.jpg"), "JPEG", quality=70, restart_marker_blocks=4)
    # Bytes after EOI, as some phones append.
    with open(os.path.join(MEDIA, "trailing-data.jpg"), "wb") as handle:
        buffer = io.BytesIO()
        photo(160, 120, 12).save(buffer, "JPEG", quality=80)
        handle.write(buffer.getvalue() + b"TRAILER-BYTES-AFTER-EOI")

    # --- PNG ---
    photo(320, 240, 20).save(os.path.join(MEDIA, "photo.png"))
    rgba = photo(200, 150, 21).convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize((200, 150)))
    rgba.save(os.path.join(MEDIA, "alpha.png"))
    photo(200, 150, 22).convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(os.path.join(MEDIA, "palette.png"))
    gray16 = photo(160, 120, 23).convert("L").point(lambda v: v * 256).convert("I;16")
    gray16.save(os.path.join(MEDIA, "gray16.png"))
    info = PngImagePlugin.PngInfo()
    info.add_text("Title", "Fixture with text chunks")
    info.add_text("Comment", "compressed comment " * 20, zip=True)
    info.add_itxt("Description", "Многоязычное описание: Жасанды интеллект", lang="ru", tkey="Описание")
    photo(200, 150, 24).save(os.path.join(MEDIA, "text-chunks.png"), pnginfo=info)
    photo(200, 150, 25).save(os.path.join(MEDIA, "exif.png"), exif=exif_block(**{"271": "FixtureCam", "305": "PhotoTool 2"}))
    photo(200, 150, 26).save(os.path.join(MEDIA, "icc.png"), icc_profile=srgb)
    path = os.path.join(MEDIA, "xmp.png")
    photo(200, 150, 27).save(path)
    exiftool("-XMP-dc:Title=PNG with XMP", "-XMP-dc:Creator=Fixture Author", path)
    # A header that declares 100000×100000 pixels over a tiny IDAT: inspect reports it; decoding refuses it.
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    with open(os.path.join(MEDIA, "huge-dimensions.png"), "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                     + png_chunk(b"IDAT", zlib.compress(b"\0" * 301)) + png_chunk(b"IEND", b""))

    # --- malformed ---
    def read(name):
        with open(os.path.join(MEDIA, name), "rb") as handle:
            return handle.read()

    def write(name, data):
        with open(os.path.join(MALFORMED, name), "wb") as handle:
            handle.write(data)

    jpeg = read("photo-640x480.jpg")
    png = read("photo.png")
    write("empty.jpg", b"")
    write("empty.png", b"")
    write("truncated.jpg", jpeg[: len(jpeg) // 2])
    write("truncated-header.jpg", jpeg[:40])
    write("truncated.png", png[: len(png) // 2])
    write("garbage.jpg", bytes(random.Random(99).randrange(256) for _ in range(4096)))
    write("garbage.png", bytes(random.Random(98).randrange(256) for _ in range(4096)))
    write("jpeg-named.png", jpeg)
    write("png-named.jpg", png)
    # An APP1 segment whose length runs past the end of the file.
    write("segment-past-eof.jpg", b"\xff\xd8\xff\xe1\xff\xf0Exif\0\0II*\0" + b"\0" * 64)
    # A JPEG with a frame but no scan.
    write("no-scan.jpg", jpeg[:2] + b"\xff\xc0\x00\x11\x08\x00\x10\x00\x10\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9")
    # One bit flipped in the first IDAT's data: its CRC no longer matches.
    idat = png.index(b"IDAT")
    corrupt = bytearray(png)
    corrupt[idat + 10] ^= 0x01
    write("bad-crc.png", bytes(corrupt))
    # An iTXt that inflates to 32 MiB: a decompression bomb of a few tens of kilobytes.
    bomb = b"Comment\0\x01\x00\0\0" + zlib.compress(b"A" * (32 * 1024 * 1024), 9)
    write("huge-itxt.png", png[:33] + png_chunk(b"iTXt", bomb) + png[33:])
    # A chunk length of 0x7FFFFFF0 declared near the end of the file.
    write("chunk-past-eof.png", png[:33] + struct.pack(">I", 0x7FFFFFF0) + b"tEXt" + b"x" * 16)
    # The first chunk is not IHDR.
    write("no-ihdr.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"tEXt", b"k\0v") + png[8:])
    # No IEND.
    iend = png.rindex(b"IEND") - 4
    write("no-iend.png", png[:iend])


if __name__ == "__main__":
    main()
