#!/usr/bin/env python3
"""Makes a large JPEG or PNG whose image data is SIZE bytes, for the streaming memory figures
(Tests/AILabelCLITests/StreamingMemoryTests.swift, Benchmarks/streaming-memory/run.sh).

  make_large_media.py jpeg SOURCE.jpg OUT.jpg SIZE
      the headers of SOURCE up to its first scan header, then a scan of SIZE zero bytes (no 0xFF: one
      long entropy-coded segment), then EOI
  make_large_media.py png OUT.png SIZE
      IHDR (65535 x 65535, 8-bit gray), IDAT chunks of zeros (256 MiB each, CRCs right) totalling SIZE
      bytes, IEND

The image data is zeros written as a sparse hole, so making a 2 GB file is quick and costs no disk; its
pixels do not decode (nothing measured here decodes pixels). Standard library only.
"""
import struct
import sys
import zlib


def zeros(out, count):
    # A hole: seek past it, so the file system stores nothing for it.
    out.seek(count, 1)


def jpeg(source, target, size):
    data = open(source, "rb").read()
    position = 2
    while True:
        assert data[position] == 0xFF, "no marker at %d" % position
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        position += 2 + length
        if marker == 0xDA:
            break
    with open(target, "wb") as out:
        out.write(data[:position])
        zeros(out, size)
        out.write(b"\xff\xd9")


def png(target, size):
    piece = 256 << 20
    with open(target, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        header = struct.pack(">IIBBBBB", 65535, 65535, 8, 0, 0, 0, 0)
        out.write(struct.pack(">I", 13) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header)))
        crcs = {}
        left = size
        while left > 0:
            length = min(piece, left)
            if length not in crcs:
                crc = zlib.crc32(b"IDAT")
                block = bytes(1 << 20)
                done = 0
                while done < length:
                    step = min(len(block), length - done)
                    crc = zlib.crc32(block[:step], crc)
                    done += step
                crcs[length] = crc
            out.write(struct.pack(">I", length) + b"IDAT")
            zeros(out, length)
            out.write(struct.pack(">I", crcs[length]))
            left -= length
        out.write(struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")))


if __name__ == "__main__":
    if sys.argv[1] == "jpeg":
        jpeg(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "png":
        png(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: make_large_media.py jpeg SOURCE OUT SIZE | png OUT SIZE")
