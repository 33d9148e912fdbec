#!/usr/bin/env python3
"""Regenerates Fixtures/watermark/: images marked by the real pip package invisible-watermark (0.2.0), the
way Stable Diffusion pipelines call it, plus unmarked controls. Deterministic; run with the repository's
.venv (numpy, Pillow, OpenCV, PyWavelets, invisible-watermark installed without torch):

    .venv/bin/python Fixtures/watermark/make_fixtures.py
"""
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Benchmarks", "watermark"))
import photolike  # noqa: E402

imwatermark = photolike.load_invisible_watermark()
WatermarkEncoder = imwatermark.WatermarkEncoder

SD1 = b"StableDiffusionV1"
SD2 = b"SDV2"
SDXL_BITS = [int(b) for b in bin(0xB3EC907BB19E)[2:].zfill(48)]


def cover(seed, size=256):
    """A smooth photo-like cover (little grain, so the PNG stays small)."""
    rng_size = size
    arr = photolike.photo_like(seed, rng_size, rng_size).astype(np.float32)
    # Soften grain: the fixtures must stay tens of KB.
    arr = np.asarray(Image.fromarray(arr.astype(np.uint8)).resize((size // 2, size // 2), Image.BICUBIC).resize((size, size), Image.BICUBIC))
    return arr


def encoder_bytes(content):
    encoder = WatermarkEncoder()
    encoder.set_watermark("bytes", content)
    return encoder


def encoder_bits(bits):
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", bits)
    return encoder


def sd1_reference(rgb, encoder):
    """CompVis/stable-diffusion scripts/txt2img.py: PIL RGB → BGR uint8 → dwtDct → back to RGB."""
    bgr = rgb[:, :, ::-1].copy()
    marked = encoder.encode(bgr, "dwtDct")
    return marked[:, :, ::-1]


def sdxl_generative_models(rgb, encoder):
    """Stability-AI/generative-models sgm/inference/helpers.py: float32 BGR in 0..255, clamp /255, then
    saved as (255 · x).astype(uint8)."""
    bgr = rgb[:, :, ::-1].astype(np.float32)
    marked = encoder.encode(bgr, "dwtDct")
    out = np.clip(marked[:, :, ::-1] / 255.0, 0, 1)
    return (255 * out).astype(np.uint8)


def sdxl_diffusers_old(rgb, encoder):
    """diffusers StableDiffusionXLWatermarker before February 2024: float32 RGB passed where BGR was expected."""
    marked = encoder.encode(rgb.astype(np.float32), "dwtDct")
    out = np.clip(marked / 255.0, 0, 1)
    return (255 * out).astype(np.uint8)


def save(name, arr):
    path = os.path.join(HERE, name)
    Image.fromarray(np.ascontiguousarray(arr)).save(path, optimize=True)
    print(f"{name}: {os.path.getsize(path)} bytes")


def main():
    # Covers are 256×256 photo-like images; the seeds are ones on which invisible-watermark's own mark comes
    # through its own round trip well enough to be found (it fails on many images: see watermark.md).
    save("sd1-bgr-uint8.png", sd1_reference(cover(200), encoder_bytes(SD1)))
    save("sd2-bgr-uint8.png", sd1_reference(cover(200), encoder_bytes(SD2)))
    save("sdxl-bgr-float.png", sdxl_generative_models(cover(202), encoder_bits(SDXL_BITS)))
    save("sdxl-rgb-float.png", sdxl_diffusers_old(cover(203), encoder_bits(SDXL_BITS)))
    save("sdxl-bgr-uint8.png", sd1_reference(cover(201), encoder_bits(SDXL_BITS)))
    # The bitwise inverse of the SD 2 payload, as a reader sees it when chroma below neutral flips the residue.
    inverted = [1 - int(b) for b in np.unpackbits(np.frombuffer(SD2, np.uint8))]
    save("sd2-inverted-bgr-uint8.png", sd1_reference(cover(204), encoder_bits(inverted)))
    save("clean-256.png", cover(205))


if __name__ == "__main__":
    main()
