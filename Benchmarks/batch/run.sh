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
. Benchmarks/batch/tree.sh
make_tree "$work/tree" "$count"
mv "$work/tree.list0" "$work/list0"
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
