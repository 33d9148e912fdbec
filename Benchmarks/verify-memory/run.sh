#!/usr/bin/env bash
# Peak memory of `verify` over many files, per report format, beside `cat` reading the same files (the
# floor: a program that only reads them). Issue 20 measured 900 MB for `--format json` over 100,000 files.
#   bash Benchmarks/verify-memory/run.sh [COUNT]   (default 100000; BINARY=path/to/ailabel to pick a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-100000}"
binary="${BINARY:-.build/release/ailabel}"
work="$(mktemp -d /tmp/ailabel-verify-memory-XXXXXX)"
trap 'rm -rf "$work"' EXIT
python3 - "$work/tree" "$count" Fixtures/media/tiny-64x48.jpg <<'PY'
import os, shutil, sys
root, count, source = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "rb").read()
for index in range(count):
    folder = os.path.join(root, f"{index // 1000:03d}")
    os.makedirs(folder, exist_ok=True)
    # Each file distinct (its last byte after EOI), as uploads are.
    open(os.path.join(folder, f"img{index:06d}.jpg"), "wb").write(source + index.to_bytes(4, "big"))
PY
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
echo "verify over $count files ($binary), peak resident memory:"
printf '  %-24s %8s MiB\n' "cat (floor)" "$(( $(peak sh -c "find '$work/tree' -type f -print0 | xargs -0 cat > /dev/null") / 1024 ))"
for format in text json jsonl sarif junit html; do
    printf '  %-24s %8s MiB\n' "verify --format $format" "$(( $(peak "$binary" verify "$work/tree" --format "$format" --scan metadata) / 1024 ))"
done
