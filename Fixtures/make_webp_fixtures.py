#!/usr/bin/env python3
"""Makes the WebP fixtures in Fixtures/media and Fixtures/malformed.

Run with the project's virtual environment (scripts/setup makes it):
    .venv/bin/python Fixtures/make_webp_fixtures.py

Pillow (built with libwebp) writes every file, so they come from a tool other than ailabel: a simple
lossy file (one VP8 chunk), a simple lossless one (one VP8L chunk), a lossy file with alpha (VP8X, ALPH,
VP8), an animation (VP8X, ANIM, ANMF frames), and a lossy file with XMP and EXIF written by Pillow.
For the pixel codec (badge and watermark need at least 128×128 pixels), larger files of each kind:
lossy, lossless, lossy with alpha, lossless with alpha, lossy with an ICC profile, and an animation
with frames of different durations and a loop count of 2.
Malformed files are cut or corrupted copies: a RIFF size past the end of the file, a chunk size past
the end of the RIFF, and a file cut inside its image data.
"""
import io
import os
import random
import struct

from PIL import Image, ImageCms, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
MALFORMED = os.path.join(HERE, "malformed")

XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>WebP Fixture Author</rdf:li>'
    '</rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def scene(width, height, seed, mode="RGB"):
    """A gradient with soft shapes: compresses like a photo; with RGBA, a feathered transparent edge."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=(int(90 + 120 * t), int(150 - 60 * t), int(220 - 150 * t)))
    for _ in range(8):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(4, max(5, min(width, height) // 4))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(30, 230) for _ in range(3)))
    if mode == "RGBA":
        alpha = Image.new("L", (width, height))
        ImageDraw.Draw(alpha).ellipse([2, 2, width - 3, height - 3], fill=255)
        image.putalpha(alpha)
    return image


def save(name, data):
    with open(os.path.join(HERE, name) if name.startswith("malformed/") else os.path.join(MEDIA, name), "wb") as f:
        f.write(data)


def encoded(image, **options):
    out = io.BytesIO()
    image.save(out, "WEBP", **options)
    return out.getvalue()


def main():
    os.makedirs(MEDIA, exist_ok=True)
    os.makedirs(MALFORMED, exist_ok=True)
    lossy = encoded(scene(96, 64, 1), quality=80)
    save("lossy.webp", lossy)
    save("lossless.webp", encoded(scene(80, 60, 2), lossless=True))
    save("alpha.webp", encoded(scene(64, 48, 3, "RGBA"), quality=85))
    frames = [scene(48, 32, 10 + index) for index in range(3)]
    animated = io.BytesIO()
    frames[0].save(animated, "WEBP", save_all=True, append_images=frames[1:], duration=120, loop=0, quality=75)
    save("animated.webp", animated.getvalue())
    exif = Image.Exif()
    exif[0x010F] = "Fixture Camera Maker"
    save("metadata.webp", encoded(scene(72, 48, 4), quality=80, xmp=XMP.encode("utf-8"), exif=exif.tobytes()))

    # Pixel-codec fixtures: large enough for the watermark's 128×128 tile.
    save("pixels-lossy.webp", encoded(scene(256, 192, 40), quality=80))
    save("pixels-lossless.webp", encoded(scene(192, 160, 41), lossless=True))
    save("pixels-alpha.webp", encoded(scene(224, 160, 42, "RGBA"), quality=85))
    save("pixels-alpha-lossless.webp", encoded(scene(192, 144, 43, "RGBA"), lossless=True))
    srgb = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    srgb[24:36] = bytes(12)  # the creation date lcms stamps: zeroed, so the fixture is the same on every run
    srgb[84:100] = bytes(16)  # the profile ID (an MD5 that covered the date): zero means "not computed"
    srgb = bytes(srgb)
    save("pixels-icc.webp", encoded(scene(200, 150, 44), quality=70, icc_profile=srgb))
    moving = [scene(256, 192, 50 + index) for index in range(3)]
    animation = io.BytesIO()
    moving[0].save(animation, "WEBP", save_all=True, append_images=moving[1:], duration=[100, 150, 200], loop=2, quality=90)
    save("pixels-animated.webp", animation.getvalue())

    # Malformed: each refused by the WebP parser under a documented limit.
    riff_past_end = bytearray(lossy)
    riff_past_end[4:8] = struct.pack("<I", 0x7FFFFFF0)
    save("malformed/webp-riff-size-past-end.webp", bytes(riff_past_end))
    chunk_past_end = bytearray(lossy)
    chunk_past_end[16:20] = struct.pack("<I", 0x7FFFFFF0)
    save("malformed/webp-chunk-size-past-end.webp", bytes(chunk_past_end))
    save("malformed/webp-truncated.webp", lossy[: len(lossy) // 2])


if __name__ == "__main__":
    main()
