#!/usr/bin/env bash
# Archive-scale stamp: time and peak memory over COUNT small generated files (default 100,000), for a
# folder walk (`stamp DIR --out OUT`) and for a path list on standard input (`stamp -0 - --out OUT`,
# which walks twice: once for inputs meeting at one output, once to stamp), beside `cp -r` (the floor)
# and, with BEFORE=path/to/old/ailabel, the same runs of an older build side by side.
#   bash Benchmarks/batch/stamp.sh [COUNT]        (BINARY=… picks the build measured; default the release build)
# The tree goes to BENCH_DIR (default /dev/shm, so the figures show ailabel's work, not the disk's).
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-100000}"
binary="${BINARY:-.build/release/ailabel}"
before="${BEFORE:-}"
base="${BENCH_DIR:-/dev/shm}"
work="$(mktemp -d "$base/ailabel-stamp-XXXXXX")"
trap 'rm -rf "$work"' EXIT
. Benchmarks/batch/tree.sh
make_tree "$work/tree" "$count"
mv "$work/tree.list0" "$work/list0"
after='rm -rf "$work/out"'
echo "stamp --time (no signer) over $count files of $(stat -c %s Fixtures/media/tiny-64x48.jpg) bytes, $(nproc) cores, tree on $(df -T "$work" | awk 'NR==2 {print $2}')"
measure "cp -r (floor)" cp -r "$work/tree" "$work/out"
for build in ${before:+before:$before} after:$binary; do
    name="${build%%:*}"; bin="${build#*:}"
    measure "$name: stamp DIR --out OUT --json" "$bin" stamp "$work/tree" --out "$work/out" --time 2026-01-01T00:00:00Z --json
    measure "$name: stamp -0 - --out OUT --json < list" sh -c "'$bin' stamp -0 - --out '$work/out' --time 2026-01-01T00:00:00Z --json < '$work/list0'"
done
