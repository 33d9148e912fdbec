#!/usr/bin/env python3
"""Regenerates the source images of the visible-label tests (run with the project's .venv Python):

    .venv/bin/python Fixtures/visible/make-sources.py

cmyk.jpg   160x120 CMYK JPEG (PIL writes Adobe-inverted CMYK with an APP14 marker), quality 90
gray.jpg   160x120 grayscale JPEG, quality 90
alpha.png  160x120 RGBA PNG whose alpha falls from 255 (left) to 55 (right)

All three carry the same gradient as TestImages.gradient in Tests/AILabelVisibleTests.
The golden images in golden/ are made by the tests themselves: AILABEL_REGENERATE_GOLDEN=1 swift test --filter Golden
"""
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
W, H = 160, 120


def gradient() -> Image.Image:
    image = Image.new("RGB", (W, H))
    pixels = image.load()
    for y in range(H):
        for x in range(W):
            pixels[x, y] = (40 + 180 * x // (W - 1), 60 + 150 * y // (H - 1), ((x + y) // 4) % 64 + 120)
    return image


def main() -> None:
    image = gradient()
    image.convert("CMYK").save(HERE / "cmyk.jpg", quality=90)
    image.convert("L").save(HERE / "gray.jpg", quality=90)
    rgba = image.convert("RGBA")
    pixels = rgba.load()
    for y in range(H):
        for x in range(W):
            r, g, b, _ = pixels[x, y]
            pixels[x, y] = (r, g, b, 255 - 200 * x // (W - 1))
    rgba.save(HERE / "alpha.png")


if __name__ == "__main__":
    main()
