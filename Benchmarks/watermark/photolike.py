"""Photo-like test images and the benchmark's attacks (numpy, Pillow, OpenCV). Shared by ./run."""
import io
import sys
import types

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter


def load_invisible_watermark():
    """Imports invisible-watermark without torch: its package __init__ pulls in rivaGan, which imports torch."""
    if "imwatermark.rivaGan" not in sys.modules:
        stub = types.ModuleType("imwatermark.rivaGan")

        class RivaWatermark:  # the neural method is not used here
            pass

        stub.RivaWatermark = RivaWatermark
        sys.modules["imwatermark.rivaGan"] = stub
    import imwatermark
    return imwatermark


def _pink_field(rng, h, w, beta, channels):
    """Noise with a 1/f^beta amplitude spectrum, normalised to zero mean and unit deviation."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    amp = 1.0 / f ** beta
    amp[0, 0] = 0.0
    out = []
    for _ in range(channels):
        spec = amp * (rng.standard_normal(amp.shape) + 1j * rng.standard_normal(amp.shape))
        field = np.fft.irfft2(spec, s=(h, w))
        field = (field - field.mean()) / (field.std() + 1e-9)
        out.append(field)
    return np.stack(out, axis=-1)


def photo_like(seed, width, height):
    """A deterministic photo-like RGB uint8 image: a sky gradient, 1/f textures, smooth objects with edges,
    flat and saturated areas, and fine grain at full resolution."""
    rng = np.random.default_rng(seed)
    scale = min(1.0, 768.0 / max(width, height))
    h, w = max(64, int(height * scale)), max(64, int(width * scale))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.zeros((h, w, 3), np.float32)
    top = rng.uniform(40, 230, 3)
    bottom = rng.uniform(20, 200, 3)
    t = (yy / h)[..., None]
    base += top * (1 - t) + bottom * t
    base += _pink_field(rng, h, w, rng.uniform(0.9, 1.4), 3) * rng.uniform(8, 30)
    for _ in range(rng.integers(3, 9)):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        rx, ry = rng.uniform(0.05, 0.35) * w, rng.uniform(0.05, 0.35) * h
        colour = rng.uniform(0, 255, 3)
        if rng.random() < 0.5:
            mask = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 < 1
        else:
            mask = (abs(xx - cx) < rx) & (abs(yy - cy) < ry)
        texture = _pink_field(rng, h, w, rng.uniform(0.6, 1.2), 1) * rng.uniform(2, 25)
        shade = colour + texture
        base = np.where(mask[..., None], 0.35 * base + 0.65 * shade, base)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    if (w, h) != (width, height):
        img = img.resize((width, height), Image.BICUBIC)
    # Full-resolution detail: sharp small objects and lines, and fine texture in some regions, so that
    # the band the watermark uses is not empty (real photos have edges, text, foliage, fabric).
    from PIL import ImageDraw
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(20, 80))):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        size = rng.uniform(0.005, 0.05) * max(width, height)
        colour = tuple(int(c) for c in rng.uniform(0, 255, 3))
        kind = rng.integers(0, 3)
        if kind == 0:
            draw.rectangle([x, y, x + size, y + size * rng.uniform(0.3, 2)], fill=colour)
        elif kind == 1:
            draw.ellipse([x, y, x + size, y + size], fill=colour)
        else:
            draw.line([x, y, x + rng.uniform(-8, 8) * size, y + rng.uniform(-8, 8) * size], fill=colour, width=int(rng.integers(1, 4)))
    if rng.random() < 0.5:  # a periodic structure (a fence, a grid, a fabric)
        pitch = rng.uniform(6, 40)
        x0, y0 = rng.uniform(0, width * 0.5), rng.uniform(0, height * 0.5)
        x1, y1 = x0 + rng.uniform(0.2, 0.5) * width, y0 + rng.uniform(0.2, 0.5) * height
        colour = tuple(int(c) for c in rng.uniform(0, 255, 3))
        x = x0
        while x < x1:
            draw.line([x, y0, x, y1], fill=colour, width=max(1, int(pitch / 4)))
            x += pitch
    arr = np.asarray(img).astype(np.float32)
    small_h, small_w = max(64, height // 4), max(64, width // 4)
    texture = _pink_field(rng, small_h, small_w, rng.uniform(0.3, 0.7), 1)
    texture = np.asarray(Image.fromarray(((texture[..., 0] * 40) + 128).clip(0, 255).astype(np.uint8)).resize((width, height), Image.BILINEAR)).astype(np.float32) - 128
    region = _pink_field(rng, 32, 32, 1.5, 1)[..., 0] > rng.uniform(-0.3, 0.6)
    region = np.asarray(Image.fromarray(region.astype(np.uint8) * 255).resize((width, height), Image.BILINEAR)).astype(np.float32)[..., None] / 255
    arr += texture[..., None] * region * rng.uniform(0.3, 0.8)
    grain = rng.uniform(0.5, 4.0)
    arr += rng.standard_normal((height, width, 1)).astype(np.float32) * grain
    if rng.random() < 0.3:  # a blown-out highlight
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.05, 0.2) * min(width, height)
        gy, gx = np.ogrid[0:height, 0:width]
        arr[((gx - cx) ** 2 + (gy - cy) ** 2) < r * r] = 255
    return np.clip(arr, 0, 255).astype(np.uint8)


def jpeg(arr, quality):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=quality, subsampling=2)  # 4:2:0
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def resize(arr, factor):
    h, w = arr.shape[:2]
    return np.asarray(Image.fromarray(arr).resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.BICUBIC))


def resize_back(arr, factor):
    h, w = arr.shape[:2]
    small = resize(arr, factor)
    return np.asarray(Image.fromarray(small).resize((w, h), Image.BICUBIC))


def crop_fraction(arr, fraction):
    """Removes `fraction` of the width and height from each side."""
    h, w = arr.shape[:2]
    dy, dx = int(round(h * fraction)), int(round(w * fraction))
    return np.ascontiguousarray(arr[dy:h - dy, dx:w - dx])


def blur(arr, radius):
    return np.asarray(Image.fromarray(arr).filter(ImageFilter.GaussianBlur(radius)))


def brightness(arr, factor):
    return np.asarray(ImageEnhance.Brightness(Image.fromarray(arr)).enhance(factor))


def contrast(arr, factor):
    return np.asarray(ImageEnhance.Contrast(Image.fromarray(arr)).enhance(factor))


def noise(arr, sigma, seed):
    rng = np.random.default_rng(seed)
    return np.clip(arr.astype(np.float32) + rng.standard_normal(arr.shape) * sigma, 0, 255).astype(np.uint8)


ATTACKS = [
    ("none", lambda a, s: a),
    ("jpeg90", lambda a, s: jpeg(a, 90)),
    ("jpeg75", lambda a, s: jpeg(a, 75)),
    ("jpeg50", lambda a, s: jpeg(a, 50)),
    ("resize0.5-back", lambda a, s: resize_back(a, 0.5)),
    ("resize0.75", lambda a, s: resize(a, 0.75)),
    ("crop10-each", lambda a, s: crop_fraction(a, 0.10)),
    ("crop-central50", lambda a, s: crop_fraction(a, 0.25)),
    ("blur-r1", lambda a, s: blur(a, 1)),
    ("brightness+20", lambda a, s: brightness(a, 1.2)),
    ("contrast1.2", lambda a, s: contrast(a, 1.2)),
    ("noise5", lambda a, s: noise(a, 5, s)),
    ("crop10+jpeg75", lambda a, s: jpeg(crop_fraction(a, 0.10), 75)),
]


def write_ppm(path, arr):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (arr.shape[1], arr.shape[0]))
        f.write(np.ascontiguousarray(arr, dtype=np.uint8).tobytes())


def read_ppm(path):
    return np.asarray(Image.open(path).convert("RGB"))
