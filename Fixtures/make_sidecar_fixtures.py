#!/usr/bin/env python3
"""Makes Fixtures/sidecar: works ailabel cannot embed into, labelled through sidecars in the tests.

    .venv/bin/python Fixtures/make_sidecar_fixtures.py

- report.pdf: a one-page PDF written by hand (header, catalog, pages, page, content stream, xref, trailer).
- narration.mp3: one second of MPEG-1 Layer III frames (silent), each frame header valid.
- notes.txt: plain text.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sidecar")


def pdf():
    content = b"BT /F1 18 Tf 72 720 Td (Generated with AI for the ailabel fixtures) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def mp3():
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding, mono: 417-byte frames; 38 frames ≈ 1 s.
    header = bytes([0xFF, 0xFB, 0x90, 0xC4])
    frame = header + bytes(417 - len(header))
    return frame * 38


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "report.pdf"), "wb") as handle:
        handle.write(pdf())
    with open(os.path.join(OUT, "narration.mp3"), "wb") as handle:
        handle.write(mp3())
    with open(os.path.join(OUT, "notes.txt"), "w") as handle:
        handle.write("Meeting notes drafted with an AI assistant.\n")


if __name__ == "__main__":
    main()
