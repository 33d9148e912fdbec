#!/usr/bin/env python3
"""Makes a large PCM WAV for the audio benchmark: `make_wav.py OUT.wav SIZE [rf64|riff]`.

16-bit stereo 48 kHz; the samples are SIZE bytes of a sparse hole (zeros: silence), so a 4 GB file is
made at once and costs no disk. `rf64` writes RF64 (a `ds64` chunk with the 64-bit sizes; the 32-bit
fields hold 0xFFFFFFFF), needed past 4 GB; `riff` a plain WAV (SIZE under 4 GB). Standard library only.
"""
import struct
import sys


def main(path, size, kind):
    fmt = struct.pack("<HHIIHH", 1, 2, 48000, 48000 * 4, 4, 16)
    with open(path, "wb") as out:
        if kind == "rf64":
            riff_size = 4 + (8 + 28) + (8 + len(fmt)) + 8 + size
            out.write(b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE")
            out.write(b"ds64" + struct.pack("<I", 28) + struct.pack("<QQQI", riff_size, size, size // 4, 0))
            out.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
            out.write(b"data" + struct.pack("<I", 0xFFFFFFFF))
        else:
            assert size < (1 << 32) - 64, "a plain WAV holds less than 4 GB: use rf64"
            out.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + size) + b"WAVE")
            out.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
            out.write(b"data" + struct.pack("<I", size))
        out.seek(size - 1, 1)
        out.write(b"\0")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "rf64")
