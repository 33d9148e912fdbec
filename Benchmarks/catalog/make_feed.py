#!/usr/bin/env python3
"""Writes a product feed for the catalogue benchmark: CSV, one record per product, half of them made
with AI (some flagged only, some with the Merchant digital_source_type marker), descriptions in the four
languages of the profiles, some carrying a disclosure phrase and some not.

usage: make_feed.py OUT.csv COUNT
"""
import csv
import random
import sys

out, count = sys.argv[1], int(sys.argv[2])
random.seed(2026)
descriptions = [
    "Ceramic teapot, handmade in Almaty.",
    "Ваза. Сгенерировано нейросетью по эскизу мастера.",
    "Жасанды интеллект арқылы жасалған сурет, мақта қағазына басылған.",
    "A poster of the steppe. AI-generated artwork, printed on cotton paper.",
    "本图片由AI生成的海报，棉纸印刷。",
    "Organic T-shirt, blue, size M, cotton grown in Turkestan; washable at 40 degrees. " * 3,
]
with open(out, "w", newline="", encoding="utf-8") as feed:
    writer = csv.writer(feed)
    writer.writerow(["id", "title", "description", "price", "ai_generated", "digital_source_type"])
    for index in range(count):
        made_with_ai = random.random() < 0.5
        marker = "trained_algorithmic_media" if made_with_ai and random.random() < 0.7 else ""
        writer.writerow([f"P{index:06d}", f"Product {index}", random.choice(descriptions), "1000 KZT",
                         "true" if made_with_ai else "false", marker])
