#!/usr/bin/env python3
"""Makes the catalogue and web-page fixtures in Fixtures/catalog and Fixtures/web.

Run with the project's virtual environment (scripts/setup makes it):
    .venv/bin/python Fixtures/make_catalog_fixtures.py

The catalogue is one list of 57 product records written three times with the same data: JSON (an
object with an "items" array), JSON Lines, and CSV (Merchant structured attributes in their text-feed
form `trained_algorithmic_media:"content"`, other nested objects flattened to dotted column names, lists
joined with "|"). Records cycle through 19 kinds, mixed compliant and not; each kind's expected
verdict under kz, eu and cn is written to catalog/expected.json, which the tests read. Images are
small synthetic photos: some labelled AI by exiftool (IPTC DigitalSourceType), some carrying a
Stable Diffusion WebUI "parameters" chunk (a generator trace), some plain, one broken.
"""
import csv
import json
import os
import shutil
import subprocess
import sys

from PIL import PngImagePlugin

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_media_fixtures import photo  # noqa: E402

CATALOG = os.path.join(HERE, "catalog")
WEB = os.path.join(HERE, "web")

IPTC_AI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
KK = "Жасанды интеллект арқылы жасалған"
RU = "Создано с помощью искусственного интеллекта"
EN = "AI-generated"
ZH = "人工智能生成"
A1111 = "a teapot\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 64x48, Model: sd_xl_base"


def exiftool(path, *args):
    subprocess.run(["exiftool", "-q", "-overwrite_original", *args, path], check=True)


def jpeg(folder, name, seed, ai_label=False):
    path = os.path.join(folder, name)
    photo(64, 48, seed).save(path, "JPEG", quality=70)
    if ai_label:
        exiftool(path, f"-XMP-iptcExt:DigitalSourceType={IPTC_AI}")
    return path


def png_with_trace(folder, name, seed):
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", A1111)
    photo(64, 48, seed).save(os.path.join(folder, name), "PNG", pnginfo=info)


def make_images(folder):
    os.makedirs(folder)
    jpeg(folder, "plain-1.jpg", 101)
    jpeg(folder, "plain-2.jpg", 102)
    jpeg(folder, "ai-iptc-1.jpg", 103, ai_label=True)
    jpeg(folder, "ai-iptc-2.jpg", 104, ai_label=True)
    png_with_trace(folder, "gen-a1111.png", 105)
    with open(os.path.join(folder, "broken.jpg"), "wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0 this is not a JPEG")


# Each kind: (name, record fields, expected verdicts kz, eu, cn).
KINDS = [
    ("plain", lambda: {"ai_generated": False, "image": "images/plain-1.jpg"}, "no-ai-evidence", "no-ai-evidence", "no-ai-evidence"),
    ("plain-no-image", lambda: {}, "no-ai-evidence", "no-ai-evidence", "no-ai-evidence"),
    ("flag-only", lambda: {"ai_generated": True, "image": "images/plain-2.jpg"}, "missing-disclosure", "missing-disclosure", "missing-disclosure"),
    ("kz-compliant", lambda: {"ai_generated": True, "digital_source_type": "trained_algorithmic_media", "desc_suffix": f"{KK}. {RU}."},
     "compliant", "missing-disclosure", "missing-disclosure"),
    ("all-compliant", lambda: {"ai_generated": "yes", "digital_source_type": "trained_algorithmic_media",
                               "desc_suffix": f"{KK}. {RU}. {EN}. {ZH}."}, "compliant", "compliant", "compliant"),
    ("marker-only", lambda: {"digital_source_type": "trained_algorithmic_media"}, "missing-disclosure", "missing-disclosure", "missing-disclosure"),
    ("text-only", lambda: {"ai_generated": 1, "desc_suffix": f"{KK}. {RU}. {EN}. {ZH}."}, "missing-disclosure", "missing-disclosure", "missing-disclosure"),
    ("ru-only", lambda: {"digital_source_type": "trained_algorithmic_media", "desc_suffix": "Создано ИИ."},
     "missing-disclosure", "missing-disclosure", "missing-disclosure"),
    ("iptc-image", lambda: {"images": ["images/ai-iptc-1.jpg", "images/plain-1.jpg"]}, "missing-disclosure", "missing-disclosure", "missing-disclosure"),
    ("iptc-image-labelled", lambda: {"images": ["images/ai-iptc-2.jpg"], "digital_source_type": "trained_algorithmic_media",
                                     "desc_suffix": f"{KK} / {RU} / {EN} / {ZH}"}, "compliant", "compliant", "compliant"),
    ("generator-image", lambda: {"image": "images/gen-a1111.png"}, "missing-disclosure", "missing-disclosure", "missing-disclosure"),
    ("schema-org", lambda: {"digitalSourceType": "https://schema.org/TrainedAlgorithmicMediaDigitalSource",
                            "desc_suffix": f"{KK}. {RU}. Made with AI. AI生成."}, "compliant", "compliant", "compliant"),
    ("merchant-structured", lambda: {"structured_title": {"digital_source_type": "trained_algorithmic_media",
                                                          "content": f"Teapot ({KK}; {RU}; {EN}; {ZH})"}},
     "compliant", "compliant", "compliant"),
    ("missing-image", lambda: {"image": "images/gone.jpg"}, "no-ai-evidence", "no-ai-evidence", "no-ai-evidence"),
    ("broken-image", lambda: {"image": "images/broken.jpg"}, "no-ai-evidence", "no-ai-evidence", "no-ai-evidence"),
    ("declared-human", lambda: {"ai_generated": "no", "digital_source_type": "default", "image": "https://cdn.example.com/p.jpg"},
     "no-ai-evidence", "no-ai-evidence", "no-ai-evidence"),
    ("case-punctuation", lambda: {"ai_generated": "TRUE", "digital_source_type": "TRAINED_ALGORITHMIC_MEDIA",
                                  "desc_suffix": "«ЖАСАНДЫ ИНТЕЛЛЕКТПЕН» жасалған! (СОЗДАНО ИИ!)"}, "compliant", "missing-disclosure", "missing-disclosure"),
    ("eu-compliant", lambda: {"ai_generated": True, "digital_source_type": "trained_algorithmic_media", "desc_suffix": "Image: AI-generated."},
     "missing-disclosure", "compliant", "missing-disclosure"),
    ("cn-compliant", lambda: {"ai_generated": True, "digital_source_type": "trained_algorithmic_media", "desc_suffix": "本图片由AI生成"},
     "missing-disclosure", "missing-disclosure", "compliant"),
]

PRODUCTS = ["Ceramic teapot", "Wool scarf", "Oak chair", "Steppe poster", "Silver ring", "Felt slippers", "Tea set, \"Aral\"",
            "Leather bag", "Desk lamp", "Linen shirt"]


def records():
    out = []
    expected = {}
    for index in range(57):
        kind, make, kz, eu, cn = KINDS[index % len(KINDS)]
        fields = make()
        identifier = f"P{index + 1:03d}"
        suffix = fields.pop("desc_suffix", None)
        description = f"{PRODUCTS[index % len(PRODUCTS)]}, handmade in Almaty,\nkind {kind}."
        if suffix:
            description += " " + suffix
        record = {"id": identifier, "title": PRODUCTS[index % len(PRODUCTS)], "description": description, "price": f"{(index + 1) * 1000} KZT"}
        record.update(fields)
        out.append(record)
        expected[identifier] = {"kind": kind, "kz": kz, "eu": eu, "cn": cn}
    return out, expected


def flatten(record):
    flat = {}
    for key, value in record.items():
        if key.startswith("structured_") and isinstance(value, dict):
            # Merchant text feeds: digital_source_type:"content".
            content = value["content"].replace('"', '""')
            flat[key] = f'{value.get("digital_source_type", "")}:"{content}"'
        elif isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[f"{key}.{inner}"] = inner_value
        elif isinstance(value, list):
            flat[key] = "|".join(value)
        elif isinstance(value, bool):
            flat[key] = "true" if value else "false"
        else:
            flat[key] = str(value)
    return flat


def make_catalog():
    shutil.rmtree(CATALOG, ignore_errors=True)
    os.makedirs(CATALOG)
    make_images(os.path.join(CATALOG, "images"))
    items, expected = records()
    with open(os.path.join(CATALOG, "products.json"), "w", encoding="utf-8") as handle:
        json.dump({"title": "ailabel sample catalogue", "items": items}, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    with open(os.path.join(CATALOG, "products.jsonl"), "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    flat = [flatten(item) for item in items]
    columns = []
    for row in flat:
        for key in row:
            if key not in columns:
                columns.append(key)
    # utf-8-sig: a byte-order mark, as spreadsheet exports write.
    with open(os.path.join(CATALOG, "products.csv"), "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(flat)
    with open(os.path.join(CATALOG, "expected.json"), "w", encoding="utf-8") as handle:
        json.dump(expected, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.write("\n")
    # A feed with its own field names, and a mapping file for it.
    custom = [{"sku": "S1", "name": "Poster", "body": "Poster. Сгенерировано нейросетью. ЖИ көмегімен жасалған.",
               "pictures": ["images/ai-iptc-1.jpg"], "is_ai": "yes", "dst": "trained_algorithmic_media"},
              {"sku": "S2", "name": "Mug", "body": "A mug. Synthetic render.", "pictures": [], "is_ai": "yes", "dst": "trained_algorithmic_media"}]
    with open(os.path.join(CATALOG, "custom.json"), "w", encoding="utf-8") as handle:
        json.dump(custom, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    mapping = {"id": "sku", "title": "name", "description": "body", "images": ["pictures"], "ai_flag": "is_ai",
               "digital_source_type": "dst", "phrases": {"en": ["synthetic render"]}}
    with open(os.path.join(CATALOG, "custom-mapping.json"), "w", encoding="utf-8") as handle:
        json.dump(mapping, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


NOTICE_ALL = f"<p class=\"ai-note\">{KK}. {RU}. {EN}. {ZH}.</p>"


def page(title, head="", body=""):
    return f"<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n{head}</head>\n<body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n"


def jsonld(value):
    return f"<script type=\"application/ld+json\">{json.dumps(value, ensure_ascii=False)}</script>\n"


def make_web():
    shutil.rmtree(WEB, ignore_errors=True)
    os.makedirs(WEB)
    images = os.path.join(WEB, "images")
    os.makedirs(images)
    jpeg(images, "ai-iptc.jpg", 201, ai_label=True)
    jpeg(images, "plain.jpg", 202)
    png_with_trace(images, "gen-a1111.png", 203)
    meta = "<meta name=\"ai-disclosure\" content=\"ai-generated\">\n"
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": "Poster"},
        {"@type": "Product", "name": "Poster", "image": {"@type": "ImageObject", "contentUrl": "images/ai-iptc.jpg",
                                                         "digitalSourceType": "https://schema.org/TrainedAlgorithmicMediaDigitalSource"}}]}
    pages = {
        # name: (html, kz, eu, cn)
        "compliant.html": (page("Poster", meta, "<img src=\"images/ai-iptc.jpg\" alt=\"poster\">\n" + NOTICE_ALL),
                           "compliant", "compliant", "compliant"),
        "missing-notice.html": (page("Poster", meta, "<img src=\"images/plain.jpg\" alt=\"poster\">\n<p>A fine poster.</p>"),
                                "missing-disclosure", "missing-disclosure", "missing-disclosure"),
        "hidden-notice.html": (page("Poster", meta,
                                    f"<div hidden>{KK}</div>\n<span aria-hidden=\"true\">{RU}</span>\n"
                                    f"<p style=\"color: red; display : none !important\">{EN}</p>\n<p style=\"visibility:hidden\">{ZH}</p>"),
                               "missing-disclosure", "missing-disclosure", "missing-disclosure"),
        "script-notice.html": (page("Poster", meta + f"<style>.x::after {{ content: \"{EN}\" }}</style>\n",
                                    f"<script>var notice = \"{KK} {RU} {EN} {ZH}\";</script>\n<noscript>{RU}</noscript>\n"
                                    f"<template><p>{KK}</p></template>\n<p>Poster.</p>"),
                               "missing-disclosure", "missing-disclosure", "missing-disclosure"),
        "jsonld-only.html": (page("Poster", jsonld(graph), "<p>Poster.</p>"), "missing-disclosure", "missing-disclosure", "missing-disclosure"),
        "jsonld-compliant.html": (page("Poster", jsonld(graph), NOTICE_ALL), "compliant", "compliant", "compliant"),
        "images-ai.html": (page("Gallery", "", "<img src=\"images/ai-iptc.jpg\">\n<img src=\"images/gen-a1111.png\">\n"
                                               "<img src=\"https://cdn.example.com/remote.jpg\">\n<p>Gallery.</p>"),
                           "missing-disclosure", "missing-disclosure", "missing-disclosure"),
        "plain.html": (page("About us", "", "<img src=\"images/plain.jpg\">\n<p>We make tea sets.</p>"), "no-ai-evidence", "no-ai-evidence", "no-ai-evidence"),
        "http-equiv.htm": (page("Article", "<meta http-equiv=\"AI-Disclosure\" content=\"mode=ai-originated; model=&quot;x&quot;\">\n",
                                f"<article><p>Text.</p><footer>{KK}. {RU}. {EN}. {ZH}.</footer></article>"), "compliant", "compliant", "compliant"),
        "attribute.html": (page("Figure", "", f"<figure ai-disclosure=\"ai-generated\"><img src=\"images/plain.jpg\">"
                                              f"<figcaption>{KK} · <b>{RU}</b> · {EN} · {ZH}</figcaption></figure>"),
                           "compliant", "compliant", "compliant"),
        "contradictory.html": (page("Poster", "<meta name=\"ai-disclosure\" content=\"none\">\n" + jsonld(graph), NOTICE_ALL),
                               "invalid-disclosure", "invalid-disclosure", "invalid-disclosure"),
        "kz-only.html": (page("Постер", "<meta name=\"ai-generated\" content=\"all\">\n", f"<p>{KK}</p><p>{RU}</p>"),
                         "compliant", "missing-disclosure", "missing-disclosure"),
    }
    expected = {}
    for name, (html, kz, eu, cn) in pages.items():
        with open(os.path.join(WEB, name), "w", encoding="utf-8") as handle:
            handle.write(html)
        expected[name] = {"kz": kz, "eu": eu, "cn": cn}
    with open(os.path.join(WEB, "expected.json"), "w", encoding="utf-8") as handle:
        json.dump(expected, handle, indent=1, sort_keys=True)
        handle.write("\n")


def main():
    make_catalog()
    make_web()


if __name__ == "__main__":
    main()
