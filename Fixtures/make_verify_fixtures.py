#!/usr/bin/env python3
"""Makes Fixtures/verify: one file per evidence source and per verdict, written with the exact chunk and
field names real generators and labelling tools use (notes in ../shared/reference/regulations.md §3, §5).

    .venv/bin/python Fixtures/make_verify_fixtures.py

Labels are written by Pillow (PNG text chunks, EXIF) and exiftool (XMP), never by ailabel, so verify is
tested against other tools' output. Files ailabel itself stamps and signs are made inside the tests.
"""
import json
import os
import shutil
import subprocess
import sys

from PIL import Image, PngImagePlugin

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_media_fixtures import photo  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "verify")

AIGC = {"Label": "1", "ContentProducer": "001191110102MAD55U9H0F10002", "ProduceID": "fixture-0001",
        "ReservedCode1": "", "ContentPropagator": "001191110102MAD55U9H0F10002", "PropagateID": "fixture-0001",
        "ReservedCode2": ""}

TC260_CONFIG = """
%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => { TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } } },
    'Image::ExifTool::XMP::iptcExt' => { AISystemUsed => { }, AISystemVersionUsed => { } },
);
%Image::ExifTool::UserDefined::TC260 = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
    NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
    WRITABLE => 'string',
    AIGC => { },
);
1;
"""


def png(name, seed, **texts):
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key.replace("__", "-"), value)
    path = os.path.join(OUT, name)
    photo(96, 72, seed).save(path, pnginfo=info)
    return path


def jpeg(name, seed, exif=None):
    path = os.path.join(OUT, name)
    kwargs = {"quality": 80}
    if exif is not None:
        block = Image.Exif()
        for tag, value in exif.items():
            block[tag] = value
        kwargs["exif"] = block
    photo(96, 72, seed).save(path, "JPEG", **kwargs)
    return path


def exiftool(path, *args):
    config = os.path.join(OUT, ".tc260.config")
    subprocess.run(["exiftool", "-config", config, "-q", "-overwrite_original", *args, path], check=True)


def user_comment_unicode(text):
    # EXIF UserComment with the UNICODE character code, UTF-16BE as Stable Diffusion WebUI writes it.
    return b"UNICODE\0" + text.encode("utf-16-be")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    with open(os.path.join(OUT, ".tc260.config"), "w") as handle:
        handle.write(TC260_CONFIG)

    # --- generator traces (no label): missing-disclosure ---
    png("gen-a1111.png", 1, parameters="a castle at dawn\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 96x72, Model hash: abc123, Model: sd_xl_base")
    png("gen-comfyui.png", 2,
        prompt=json.dumps({"3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20}}}),
        workflow=json.dumps({"nodes": [{"id": 3, "type": "KSampler"}], "links": []}))
    png("gen-invokeai.png", 3, invokeai_metadata=json.dumps({"positive_prompt": "a cat", "model": {"name": "sdxl"}}))
    png("gen-fooocus.png", 4, parameters=json.dumps({"full_prompt": ["a dog"], "base_model": "juggernautXL", "version": "Fooocus v2.5.0"}), fooocus_scheme="fooocus")
    png("gen-novelai.png", 5, Software="NovelAI", Source="NovelAI Diffusion V3", Title="AI generated image", Description="a fox",
        Comment=json.dumps({"steps": 28, "sampler": "k_euler", "scale": 5.0, "seed": 7, "uc": "lowres"}))
    png("gen-midjourney.png", 6, Description="a lighthouse --ar 4:3 Job ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", Author="fixture-user")
    png("gen-swarmui.png", 7, parameters=json.dumps({"sui_image_params": {"prompt": "a tree", "steps": 30}}))
    jpeg("gen-grok.jpg", 8, exif={0x013B: "5f0c8e3a-1b2c-4d5e-8f90-a1b2c3d4e5f6", 0x010E: "Signature: dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ=="})
    jpeg("gen-ideogram.jpg", 9, exif={0x010F: "Ideogram AI"})
    a1111 = jpeg("gen-a1111-exif.jpg", 10)
    # Pillow cannot write a raw UNDEFINED UserComment into the Exif IFD; exiftool can.
    exiftool(a1111, "-EXIF:UserComment=a castle\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 1")

    # --- labels written by other tools ---
    path = jpeg("label-iptc-exiftool.jpg", 20)
    exiftool(path, "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
             "-XMP-iptcExt:AISystemUsed=Fixture Diffusion")
    path = jpeg("label-iptc-https.jpg", 21)
    exiftool(path, "-XMP-iptcExt:DigitalSourceType=https://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia/")
    path = jpeg("label-algorithmic-media.jpg", 22)
    exiftool(path, "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia")
    path = jpeg("label-digital-capture.jpg", 23)
    exiftool(path, "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture")
    path = jpeg("label-tc260-xmp.jpg", 24)
    exiftool(path, "-XMP-TC260:AIGC=" + json.dumps(AIGC, separators=(",", ":")))
    png("label-aigc-png-text.png", 25, AIGC=json.dumps({"AIGC": AIGC}, separators=(",", ":")))
    path = jpeg("label-aigc-exif-usercomment.jpg", 26)
    exiftool(path, "-EXIF:UserComment=" + json.dumps({"AIGC": AIGC}, separators=(",", ":")))
    bad = dict(AIGC, Label="AIGC")
    png("label-aigc-malformed.png", 27, AIGC=json.dumps(bad, separators=(",", ":")))
    path = png("label-aigc-twice.png", 28, AIGC=json.dumps(AIGC, separators=(",", ":")))
    exiftool(path, "-XMP-TC260:AIGC=" + json.dumps(AIGC, separators=(",", ":")))
    path = jpeg("label-contradictory.jpg", 29)
    exiftool(path, "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
             "-XMP-TC260:AIGC=" + json.dumps(AIGC, separators=(",", ":")))
    jpeg("plain.jpg", 30)
    png("plain.png", 31)
    with open(os.path.join(OUT, "notes.txt"), "w") as handle:
        handle.write("not media: verify skips and counts this file\n")
    with open(os.path.join(OUT, "broken.jpg"), "wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    # Added after the files above, so that their pixels (drawn from one seeded sequence) stay the same.
    # Midjourney's JPEG downloads: the prompt and "Job ID: <uuid>" in XMP dc:description and in IPTC IIM
    # Caption-Abstract (APP13), with no label. One file with both, one with IIM alone.
    midjourney = "a lighthouse at dusk --ar 4:3 --v 6.1 Job ID: 3c1d9a4e-7b2f-4e8a-9c6d-0a1b2c3d4e5f"
    path = jpeg("gen-midjourney-xmp.jpg", 11)
    exiftool(path, "-XMP-dc:Description=" + midjourney, "-IPTC:Caption-Abstract=" + midjourney, "-IPTC:CodedCharacterSet=UTF8")
    path = jpeg("gen-midjourney-iptc.jpg", 12)
    exiftool(path, "-IPTC:Caption-Abstract=" + midjourney)
    # A person's caption that mentions a job number is not a generator trace.
    path = jpeg("plain-caption-job.jpg", 13)
    exiftool(path, "-XMP-dc:Description=Print proof. Job ID: 4471, approved", "-IPTC:Caption-Abstract=Print proof. Job ID: 4471, approved")
    os.remove(os.path.join(OUT, ".tc260.config"))


if __name__ == "__main__":
    main()
