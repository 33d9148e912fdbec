#!/usr/bin/env python3
"""Makes the TIFF and DNG fixtures in Fixtures/media.

Run with the project's virtual environment (scripts/setup makes it):
    .venv/bin/python Fixtures/make_tiff_fixtures.py

Pillow (with libtiff) writes the ordinary files: RGB in several strips, a 256×192 LZW photo (big enough for the watermark), RGBA with LZW (libtiff puts
the directory after the image data), three pages with Deflate, two 256×192 and 224×160 LZW pages, 16-bit grey, a BigTIFF, and a file
with XMP (tag 700), ImageDescription and an ICC profile. The layouts Pillow cannot write are laid
out here, tag by tag, with the TIFF 6.0 / BigTIFF / DNG 1.7 structures: a big-endian (MM) grey
file, a tiled BigTIFF, and a small DNG (IFD0 an 8-bit RGB preview with DNGVersion, its SubIFD a
16-bit Bayer CFA raw image).
"""
import io
import os
import random
import struct

from PIL import Image, ImageCms, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")

XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>TIFF Fixture Author</rdf:li>'
    '</rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def scene(width, height, seed, mode="RGB"):
    """A gradient with soft shapes; with RGBA, a feathered transparent edge."""
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


def pillow(image, **options):
    out = io.BytesIO()
    image.save(out, "TIFF", **options)
    return out.getvalue()


TYPES = {"B": (1, 1), "A": (2, 1), "H": (3, 2), "I": (4, 4), "U": (7, 1), "Q": (16, 8)}


def laid_out(order, big, directories):
    """A TIFF from directories of (tag, kind, values) where kind is B/A/H/I/U/Q and values a list (or
    bytes for A/U/B); a directory's "data" blocks are placed first and referred to by name in values
    as ("@", name) for offsets. `directories` is a list of dicts: {"entries": [...], "data": {name: bytes},
    "sub": [index of directories that are its SubIFDs]}; the first dict is IFD0, the others SubIFDs."""
    e = "<" if order == "II" else ">"
    header = 16 if big else 8
    out = bytearray(header)
    placed = {}
    for index, directory in enumerate(directories):
        for name, blob in directory.get("data", {}).items():
            if len(out) % 2:
                out.append(0)
            placed[(index, name)] = len(out)
            out += blob
    ifd_at = {}
    # Directories in reverse so SubIFD offsets are known when IFD0 is written.
    for index in reversed(range(len(directories))):
        directory = directories[index]
        entries = []
        for tag, kind, values in sorted(directory["entries"], key=lambda item: item[0]):
            code, size = TYPES[kind]
            if isinstance(values, tuple) and values[0] == "@":
                values = [placed[(index, values[1])]]
            if isinstance(values, tuple) and values[0] == "ifd":
                values = [ifd_at[i] for i in values[1]]
            if kind in "ABU":
                raw = bytes(values)
                count = len(raw)
            else:
                count = len(values)
                raw = b"".join(struct.pack(e + kind, v) for v in values)
            entries.append((tag, code, count, raw))
        field = 8 if big else 4
        values_blob = bytearray()
        if len(out) % 2:
            out.append(0)
        table_size = (8 + 20 * len(entries) + 8) if big else (2 + 12 * len(entries) + 4)
        base = len(out) + table_size
        table = bytearray(struct.pack(e + ("Q" if big else "H"), len(entries)))
        for tag, code, count, raw in entries:
            table += struct.pack(e + "HH", tag, code) + struct.pack(e + ("Q" if big else "I"), count)
            if len(raw) <= field:
                table += raw + bytes(field - len(raw))
            else:
                table += struct.pack(e + ("Q" if big else "I"), base + len(values_blob))
                values_blob += raw
                if len(values_blob) % 2:
                    values_blob.append(0)
        table += bytes(8 if big else 4)
        ifd_at[index] = len(out)
        out += table + values_blob
    magic = 43 if big else 42
    out[0:2] = order.encode()
    if big:
        out[2:16] = struct.pack(e + "HHHQ", magic, 8, 0, ifd_at[0])
    else:
        out[2:8] = struct.pack(e + "HI", magic, ifd_at[0])
    return bytes(out)


def big_endian_grey():
    image = scene(48, 40, 5).convert("L")
    rows = image.tobytes()
    half = 20 * 48
    # The two strips are placed one after the other right after the 8-byte header.
    return laid_out("MM", False, [{
        "data": {"s0": rows[:half], "s1": rows[half:]},
        "entries": [(256, "H", [48]), (257, "H", [40]), (258, "H", [8]), (259, "H", [1]), (262, "H", [1]),
                    (273, "I", [8, 8 + half]), (277, "H", [1]), (278, "H", [20]), (279, "I", [half, half]),
                    (270, "A", b"Big-endian grey fixture\0")],
    }])


def tiled_bigtiff():
    image = scene(40, 40, 6)
    tiles = []
    for ty in range(0, 48, 16):
        for tx in range(0, 48, 16):
            tile = Image.new("RGB", (16, 16))
            tile.paste(image.crop((tx, ty, min(tx + 16, 40), min(ty + 16, 40))), (0, 0))
            tiles.append(tile.tobytes())
    data = {f"t{i}": t for i, t in enumerate(tiles)}
    directory = {"data": data, "entries": [
        (256, "H", [40]), (257, "H", [40]), (258, "H", [8, 8, 8]), (259, "H", [1]), (262, "H", [2]),
        (277, "H", [3]), (284, "H", [1]), (322, "H", [16]), (323, "H", [16]),
        (325, "Q", [len(t) for t in tiles])]}
    # Tile offsets: the tiles are placed in order right after the 16-byte header (768 bytes each, even).
    directory["entries"].append((324, "Q", [16 + i * len(tiles[0]) for i in range(len(tiles))]))
    return laid_out("II", True, [directory])


def dng():
    preview = scene(32, 24, 7)
    rng = random.Random(8)
    width, height = 64, 48
    raw = bytearray()
    for y in range(height):
        for x in range(width):
            raw += struct.pack("<H", (x * 900 + y * 500 + rng.randint(0, 200)) & 0x3FFF)
    ifd0 = {"data": {"preview": preview.tobytes()}, "entries": [
        (254, "I", [1]), (256, "H", [32]), (257, "H", [24]), (258, "H", [8, 8, 8]), (259, "H", [1]), (262, "H", [2]),
        (273, "I", ("@", "preview")), (277, "H", [3]), (278, "H", [24]), (279, "I", [len(preview.tobytes())]),
        (271, "A", b"Fixture Camera\0"), (272, "A", b"DNG Fixture\0"), (305, "A", b"make_tiff_fixtures.py\0"),
        (330, "I", ("ifd", [1])),
        (50706, "B", b"\x01\x04\x00\x00"), (50707, "B", b"\x01\x01\x00\x00"), (50708, "A", b"Fixture Camera DNG\0")]}
    raw_ifd = {"data": {"raw": bytes(raw)}, "entries": [
        (254, "I", [0]), (256, "H", [width]), (257, "H", [height]), (258, "H", [16]), (259, "H", [1]), (262, "H", [32803]),
        (273, "I", ("@", "raw")), (277, "H", [1]), (278, "H", [height]), (279, "I", [len(raw)]),
        (33421, "H", [2, 2]), (33422, "B", b"\x00\x01\x01\x02"), (50717, "I", [16383])]}
    return laid_out("II", False, [ifd0, raw_ifd])


def save(name, data):
    with open(os.path.join(MEDIA, name), "wb") as f:
        f.write(data)


def pages_photo():
    """Two pages big enough for the watermark, of different sizes and resolutions (LZW)."""
    first, second = scene(256, 192, 21), scene(224, 160, 22)
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw", dpi=(300, 300))
    return out.getvalue()


def main():
    os.makedirs(MEDIA, exist_ok=True)
    save("rgb-strips.tif", pillow(scene(96, 64, 1), tiffinfo={278: 16}))
    # Large enough for the invisible watermark (128 × 128 at least).
    save("photo.tif", pillow(scene(256, 192, 9), compression="tiff_lzw"))
    save("alpha-lzw.tif", pillow(scene(64, 48, 2, "RGBA"), compression="tiff_lzw"))
    pages = [scene(48, 32, 10 + index) for index in range(3)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_adobe_deflate")
    save("multipage.tif", out.getvalue())
    save("pages-photo.tif", pages_photo())
    grey16 = Image.new("I;16", (40, 30))
    grey16.putdata([(x * 1500 + y * 700) & 0xFFFF for y in range(30) for x in range(40)])
    save("gray16.tif", pillow(grey16))
    save("bigtiff.tif", pillow(scene(56, 40, 3), big_tiff=True))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    save("metadata.tif", pillow(scene(72, 48, 4), compression="tiff_lzw", icc_profile=srgb,
                                tiffinfo={700: XMP.encode("utf-8"), 270: "A TIFF fixture with XMP and ICC"}))
    save("bigendian.tif", big_endian_grey())
    save("tiled-bigtiff.tif", tiled_bigtiff())
    save("raw.dng", dng())


if __name__ == "__main__":
    main()
