#!/usr/bin/env bash
# Peak resident memory of `stamp --sign` and `verify` on a generated 2 GB TIFF, beside `cp` of the same
# file (the floor: a program that only copies it). Issue 16 asks that, without pixel marks, memory not
# grow with file size (under 100 MB for a 2 GB file).
#   bash Benchmarks/tiff-memory/run.sh [MEGABYTES]   (default 2000; BINARY=path/to/ailabel to pick a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
megabytes="${1:-2000}"
binary="${BINARY:-.build/release/ailabel}"
work="$(mktemp -d /tmp/ailabel-tiff-memory-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# An uncompressed RGB TIFF written strip by strip (a gradient; never held whole): IFD0 after the image
# data, as libtiff writes it, so stamping exercises the tail replacement.
python3 - "$work/big.tif" "$megabytes" <<'PY'
import struct, sys
path, megabytes = sys.argv[1], int(sys.argv[2])
width, rows_per_strip = 16384, 64
height = max(rows_per_strip, (megabytes * 1_000_000 // (width * 3)) // rows_per_strip * rows_per_strip)
strip = bytes((x * 7 + y) % 256 for y in range(rows_per_strip) for x in range(width * 3))
strips = height // rows_per_strip
with open(path, "wb") as f:
    f.write(b"II*\0" + struct.pack("<I", 0))
    offsets = []
    for index in range(strips):
        offsets.append(f.tell())
        f.write(strip)
    arrays = f.tell()
    f.write(b"".join(struct.pack("<I", o) for o in offsets))
    f.write(b"".join(struct.pack("<I", len(strip)) for _ in offsets))
    bits = f.tell()
    f.write(struct.pack("<HHH", 8, 8, 8))
    if f.tell() % 2:
        f.write(b"\0")
    ifd = f.tell()
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 3, bits), (259, 3, 1, 1), (262, 3, 1, 2),
               (273, 4, strips, arrays), (277, 3, 1, 3), (278, 4, 1, rows_per_strip), (279, 4, strips, arrays + 4 * strips),
               (284, 3, 1, 1)]
    f.write(struct.pack("<H", len(entries)))
    for tag, kind, count, value in entries:
        field = struct.pack("<H", value) + b"\0\0" if kind == 3 and count == 1 else struct.pack("<I", value)
        f.write(struct.pack("<HHI", tag, kind, count) + field)
    f.write(struct.pack("<I", 0))
    f.seek(4)
    f.write(struct.pack("<I", ifd))
PY
"$binary" keys init "$work/keys" >/dev/null
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
size=$(stat -c %s "$work/big.tif")
echo "a $((size / 1000000)) MB TIFF ($binary), peak resident memory:"
printf '  %-34s %8s MiB\n' "cp (floor)" "$(( $(peak cp "$work/big.tif" "$work/copy.tif") / 1024 ))"
rm -f "$work/copy.tif"
printf '  %-34s %8s MiB\n' "stamp --sign" "$(( $(peak "$binary" stamp "$work/big.tif" --out "$work/out" --sign-key "$work/keys/signer.key" --sign-chain "$work/keys/signer-chain.pem") / 1024 ))"
printf '  %-34s %8s MiB\n' "verify (the signed file)" "$(( $(peak "$binary" verify "$work/out/big.tif" --trust "$work/keys/trust-anchors.pem" --scan metadata --fail-on '') / 1024 ))"
printf '  %-34s %8s MiB\n' "inspect" "$(( $(peak "$binary" inspect "$work/out/big.tif") / 1024 ))"
