#!/usr/bin/env bash
# Archive-scale verify: time and peak memory over COUNT small generated files (default 1,000,000), for a
# folder walk and for a path list on standard input (-0), per report format, beside `find | xargs cat`
# (the floor) and, with BEFORE=path/to/old/ailabel, the same runs of an older build side by side.
#   bash Benchmarks/batch/run.sh [COUNT]         (BINARY=… picks the build measured; default the release build;
#                                                 FORMATS="jsonl sarif" picks the report formats, default jsonl text sarif)
# The tree goes to BENCH_DIR (default /dev/shm, so the figures show ailabel's work, not the disk's).
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000000}"
binary="${BINARY:-.build/release/ailabel}"
before="${BEFORE:-}"
base="${BENCH_DIR:-/dev/shm}"
work="$(mktemp -d "$base/ailabel-batch-XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 - "$work/tree" "$count" Fixtures/media/tiny-64x48.jpg <<'PY'
import os, sys
root, count, source = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "rb").read()
for index in range(count):
    folder = os.path.join(root, f"{index // 100000:02d}", f"{index // 1000 % 100:02d}")
    if index % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    # Each file distinct (its last bytes after EOI), as uploads are.
    with open(os.path.join(folder, f"img{index:07d}.jpg"), "wb") as f:
        f.write(source + index.to_bytes(4, "big"))
PY
find "$work/tree" -type f -print0 > "$work/list0"
measure() {  # label, command...: prints seconds and peak MiB
    local label="$1"; shift
    local start end rss
    start=$(date +%s.%N)
    /usr/bin/time -o "$work/rss" -f "%M" "$@" > /dev/null 2>&1 || true
    rss=$(tail -1 "$work/rss")
    end=$(date +%s.%N)
    printf '  %-52s %9.1f s %8d MiB\n' "$label" "$(echo "$end - $start" | bc)" "$((rss / 1024))"
}
echo "verify --scan metadata over $count files of $(stat -c %s Fixtures/media/tiny-64x48.jpg) bytes, $(nproc) cores, tree on $(df -T "$work" | awk 'NR==2 {print $2}')"
measure "find | xargs cat (floor)" sh -c "find '$work/tree' -type f -print0 | xargs -0 cat"
for build in ${before:+before:$before} after:$binary; do
    name="${build%%:*}"; bin="${build#*:}"
    echo "$name ($bin):"
    for format in ${FORMATS:-jsonl text sarif}; do
        measure "verify DIR --format $format" "$bin" verify "$work/tree" --format "$format" --scan metadata --fail-on ''
    done
    measure "verify -0 - --format jsonl (paths on stdin)" sh -c "'$bin' verify -0 - --format jsonl --scan metadata --fail-on '' < '$work/list0'"
done
