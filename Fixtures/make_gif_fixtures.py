#!/usr/bin/env python3
"""Makes the GIF fixtures in Fixtures/media and Fixtures/malformed.

Run with the project's virtual environment (scripts/setup makes it):
    .venv/bin/python Fixtures/make_gif_fixtures.py

Pillow writes every image and exiftool adds the XMP, so they come from tools other than ailabel: a
still GIF87a (no extensions), an animation with a loop count, per-frame delays, restore-to-background
disposal and a transparent colour, an animation whose frames are smaller than the screen and carry
local colour tables, the same still interlaced, a still with a TC260 AIGC label in a comment extension (as
tools that cannot write XMP put it), and a still with XMP written by exiftool (raw packet and magic
trailer). Malformed files are built byte by byte (each is a structural attack, so no encoder would
write it): a sub-block chain past the end and a file without its trailer in malformed/, and an LZW
bomb (a 65535×65535 frame in 35 bytes) in bombs/, where BombTests measures every command's memory on it.
"""
import io
import os
import random
import shutil
import struct
import subprocess

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
MALFORMED = os.path.join(HERE, "malformed")

AIGC_COMMENT = (
    'AIGC{"Label":"1","ContentProducer":"001191110108MA01KP2T5U00000","ProduceID":"gif-fixture-0001",'
    '"ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}'
)


def scene(width, height, seed):
    """A gradient with soft shapes, quantised to a palette the way a GIF encoder would."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=(int(90 + 120 * t), int(150 - 60 * t), int(220 - 150 * t)))
    for _ in range(8):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(4, max(5, min(width, height) // 4))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(30, 230) for _ in range(3)))
    return image


def gif(image, **options):
    out = io.BytesIO()
    image.save(out, "GIF", **options)
    return out.getvalue()


def save(path, data):
    with open(path, "wb") as f:
        f.write(data)


def sub_blocks(data):
    out = bytearray()
    for index in range(0, len(data), 255):
        chunk = data[index:index + 255]
        out += bytes([len(chunk)]) + chunk
    return bytes(out + b"\0")


def main():
    os.makedirs(MEDIA, exist_ok=True)
    os.makedirs(MALFORMED, exist_ok=True)

    still = gif(scene(96, 64, 1).quantize(64), interlace=False)
    assert still.startswith(b"GIF87a"), "Pillow writes a GIF without extensions as GIF87a"
    save(os.path.join(MEDIA, "still.gif"), still)

    # An animation: 4 frames of 160×128 (large enough to carry the watermark), a transparent colour,
    # frame 0 with a transparent hole, loop forever, restore-to-background disposal.
    frames = []
    for index in range(4):
        frame = scene(160, 128, 10 + index).convert("RGBA")
        ImageDraw.Draw(frame).rectangle([8 + 10 * index, 8, 40 + 10 * index, 30], fill=(0, 0, 0, 0))
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=[80, 120, 100, 150], loop=0,
                   disposal=2, optimize=False)
    save(os.path.join(MEDIA, "animated.gif"), out.getvalue())

    # A larger animation (256×192, 3 frames, loops twice): room for the badge and the watermark together.
    large = [scene(256, 192, 30 + index) for index in range(3)]
    out = io.BytesIO()
    large[0].save(out, "GIF", save_all=True, append_images=large[1:], duration=[100, 150, 200], loop=2, optimize=False)
    save(os.path.join(MEDIA, "animated-large.gif"), out.getvalue())

    # Frames smaller than the screen, each with its own palette, kept by "do not dispose": a viewer
    # composites them over what the earlier frames left.
    base = scene(144, 144, 20)
    patches = [base]
    for index in range(3):
        patch = Image.new("RGB", (144, 144))
        patch.paste(base)
        ImageDraw.Draw(patch).ellipse([20 + 30 * index, 40, 60 + 30 * index, 80], fill=(250, 40 + 60 * index, 30))
        patches.append(patch)
    out = io.BytesIO()
    patches[0].save(out, "GIF", save_all=True, append_images=patches[1:], duration=90, loop=3, disposal=1,
                    optimize=True)
    save(os.path.join(MEDIA, "partial-frames.gif"), out.getvalue())

    # The same picture as still.gif, interlaced: both decode to the same pixels.
    save(os.path.join(MEDIA, "interlaced.gif"), gif(scene(96, 64, 1).quantize(64), interlace=True))
    save(os.path.join(MEDIA, "aigc-comment.gif"), gif(scene(72, 48, 4).quantize(32), comment=AIGC_COMMENT.encode()))

    # XMP as exiftool writes it (a raw packet with the magic trailer, before the first image).
    xmp_path = os.path.join(MEDIA, "xmp.gif")
    save(xmp_path, gif(scene(64, 48, 5).quantize(32)))
    exiftool = shutil.which("exiftool")
    subprocess.run([exiftool, "-q", "-overwrite_original", "-XMP-dc:Creator=GIF Fixture Author", xmp_path], check=True)

    # Malformed, byte by byte.
    screen = b"GIF89a" + struct.pack("<HHBBB", 16, 16, 0x80, 0, 0) + bytes(6)
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 16, 16, 0) + b"\x02" + sub_blocks(b"\x44\x01")
    save(os.path.join(MALFORMED, "gif-subblock-past-end.gif"),
         screen + b"\x21\xfe" + b"\xff" + b"a comment that says it is 255 bytes long")
    bomb = b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0x80, 0, 0) + bytes(6)
    bomb += b"\x2c" + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0) + b"\x02" + sub_blocks(b"\x44\x01") + b"\x3b"
    save(os.path.join(HERE, "bombs", "gif-lzw-bomb.gif"), bomb)
    save(os.path.join(MALFORMED, "gif-missing-trailer.gif"), screen + frame)


if __name__ == "__main__":
    main()
