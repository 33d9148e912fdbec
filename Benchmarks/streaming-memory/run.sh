#!/usr/bin/env bash
# Peak resident memory of stamp (signed), verify and inspect of a 2 GB JPEG and a 2 GB PNG, beside cp and
# sha256sum on the same file (the floors: programs that stream it). Issue 16 asks that, without pixel
# marks, memory not grow with the file: under 100 MB for a 2 GB file.
#   bash Benchmarks/streaming-memory/run.sh [SIZE]   (default 2000000000 bytes of image data)
#   BINARY=path/to/ailabel to measure another build; BENCH_DIR=/dev/shm to work there.
# The image data is a sparse hole (Fixtures/make_large_media.py): making the inputs costs no disk, but each
# stamped output is written whole (2 GB per format in BENCH_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
size="${1:-2000000000}"
binary="${BINARY:-.build/release/ailabel}"
base="${BENCH_DIR:-Benchmarks}"
work="$base/.work/streaming-memory"
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
python3 Fixtures/make_large_media.py jpeg Fixtures/media/photo-640x480.jpg "$work/large.jpg" "$size"
python3 Fixtures/make_large_media.py png "$work/large.png" "$size"
"$binary" keys init "$work/keys" >/dev/null
peak() { /usr/bin/time -f "%M %e" "$@" 2>&1 >/dev/null | tail -1; }
row() { read -r kib seconds <<<"$2"; printf '  %-44s %8s MiB %8s s\n' "$1" "$(( kib / 1024 ))" "$seconds"; }
echo "peak resident memory, $(( size / 1000000 )) MB of image data per file ($binary):"
for ext in jpg png; do
    input="$work/large.$ext"
    echo " $ext ($(stat -c %s "$input") bytes):"
    row "cp (floor)" "$(peak cp "$input" "$work/copy.$ext")"
    rm -f "$work/copy.$ext"
    row "sha256sum (floor)" "$(peak sha256sum "$input")"
    row "ailabel stamp --sign-key" "$(peak "$binary" stamp "$input" --out "$work/out" --sign-key "$work/keys/signer.key" --sign-chain "$work/keys/signer-chain.pem")"
    row "ailabel verify (signed output)" "$(peak "$binary" verify "$work/out/large.$ext" --trust "$work/keys/trust-anchors.pem")"
    row "ailabel verify --scan metadata (input)" "$(peak "$binary" verify "$input" --scan metadata)"
    row "ailabel inspect (signed output)" "$(peak "$binary" inspect "$work/out/large.$ext")"
    rm -f "$work/out/large.$ext"
done
