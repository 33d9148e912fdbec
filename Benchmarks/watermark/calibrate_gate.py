#!/usr/bin/env python3
"""Calibrates the gate of the detector's rescaled search (WatermarkReader.minimumRescaledSync): the best
sync z-score of the small folds at the period estimates, for marked images resized by factors from 0.5
to 2 (the range the rescaled search covers; plain and with JPEG q75 after the resize), against clean
photo-like images. The gate must sit well below every marked image's score; a clean image above it
only costs the full search.

    ../../.venv/bin/python calibrate_gate.py [--images N] [--clean N]   (after ./run has built wmtool)
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import photolike as P  # noqa: E402
from bench import Tool, sizes  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=12)
    parser.add_argument("--clean", type=int, default=40)
    parser.add_argument("--work", default="/tmp/ailabel-wm-gate")
    parser.add_argument("--tool", default=os.path.join(HERE, ".build", "release", "wmtool"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    tool = Tool(args.tool, None)
    ppm = lambda name: os.path.join(args.work, name + ".ppm")
    factors = [0.5, 0.6, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0]
    found, missed, native = [], [], 0
    for index, (w, h) in enumerate(sizes(args.images, largest=2000 * 1500)):
        original = P.photo_like(20_000 + index, w, h)
        P.write_ppm(ppm("original"), original)
        tool.ask(f"embed {ppm('original')} {ppm('marked')} {index * 7919 + 1:016x}")
        marked = P.read_ppm(ppm("marked"))
        for factor in factors:
            for compress in (False, True):
                attacked = P.resize(marked, factor)
                if compress:
                    attacked = P.jpeg(attacked, 75)
                P.write_ppm(ppm("attacked"), attacked)
                d = tool.ask(f"detect {ppm('attacked')}")
                if d["found"] and d["coarse"] < 0:
                    native += 1
                elif d["found"]:
                    found.append(d["coarse"])
                else:
                    missed.append((w, h, factor, compress, d["coarse"]))
    clean = []
    for index, (w, h) in enumerate(sizes(args.clean, largest=2000 * 1500)):
        P.write_ppm(ppm("clean"), P.photo_like(30_000 + index, w, h))
        clean.append(tool.ask(f"detect {ppm('clean')}")["coarse"])
    found.sort()
    clean.sort()
    print(f"marked and resized: {len(found)} found by the rescaled search, {native} at the native period, {len(missed)} not found {missed}")
    print(f"  coarse sync z of those found: min {found[0]:.2f}, 5th percentile {np.percentile(found, 5):.2f}, median {np.median(found):.2f}")
    print(f"clean: {len(clean)}; coarse sync z median {np.median(clean):.2f}, 95th percentile {np.percentile(clean, 95):.2f}, max {clean[-1]:.2f}")


if __name__ == "__main__":
    main()
