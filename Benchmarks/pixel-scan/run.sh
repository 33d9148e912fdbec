#!/usr/bin/env bash
# verify's pixel scan on photo-like ~1 MP files: --scan auto (the default: pixel detectors on every file
# whose metadata gives no intact disclosure) beside --scan metadata, for this build and, with
# BEFORE=path/to/old/ailabel, an older one, in interleaved rounds so both meet the same minutes of a
# shared machine. The corpus is the stamp/verify benchmark's (make_corpus.py), half of it stamped and
# signed, as in Benchmarks/stamp-verify/run.sh (the issue's 27.5 s against 0.3 s).
#   bash Benchmarks/pixel-scan/run.sh [COUNT] [ROUNDS]     (BINARY=…, BEFORE=…, BENCH_DIR=… as elsewhere)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000}"
rounds="${2:-3}"
binary="${BINARY:-.build/release/ailabel}"
before="${BEFORE:-}"
base="${BENCH_DIR:-/dev/shm}"
corpus="$base/ailabel-pixel-scan-corpus-$count"
[ -d "$corpus" ] || .venv/bin/python Benchmarks/stamp-verify/make_corpus.py "$corpus" "$count"
work="$(mktemp -d "$base/ailabel-pixel-scan-XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$binary" keys init "$work/keys" > /dev/null
mkdir -p "$work/verify"
for batch in "$corpus"/batch*; do
    name=$(basename "$batch")
    if [ $(( 10#${name#batch} % 2 )) -eq 1 ]; then
        "$binary" stamp "$batch" --out "$work/verify/$name" --sign-key "$work/keys/signer.key" \
            --sign-chain "$work/keys/signer-chain.pem" --time 2026-01-18T09:00:00Z > /dev/null
    else
        cp -r "$batch" "$work/verify/$name"
    fi
done
cat $(find "$work/verify" -type f) > /dev/null
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
builds="after:$binary${before:+ before:$before}"
declare -A times
for round in $(seq "$rounds"); do
    for build in $builds; do
        name="${build%%:*}"; bin="${build#*:}"
        for scan in metadata auto; do
            times[$name-$scan]+="$(seconds "$bin" verify "$work/verify" --format jsonl --scan "$scan" --trust "$work/keys/trust-anchors.pem" --no-default-trust) "
        done
    done
done
printf '\nverify over %s photo-like ~1 MP files (half stamped and signed), %s cores, %s rounds interleaved, median seconds\n' \
    "$count" "$(nproc)" "$rounds"
printf '%-10s %16s %16s %10s\n' build "--scan metadata" "--scan auto" "auto/meta"
for build in $builds; do
    name="${build%%:*}"
    meta=$(echo ${times[$name-metadata]} | tr ' ' '\n' | median)
    auto=$(echo ${times[$name-auto]} | tr ' ' '\n' | median)
    printf '%-10s %16.2f %16.2f %10.1f\n' "$name" "$meta" "$auto" "$(echo "$auto / $meta" | bc -l)"
done
# The verdicts and evidence must not change with the speed: the after build's records against the before build's.
if [ -n "$before" ]; then
    "$binary" verify "$work/verify" --format jsonl --trust "$work/keys/trust-anchors.pem" --no-default-trust | sort > "$work/after.jsonl" || true
    "$before" verify "$work/verify" --format jsonl --trust "$work/keys/trust-anchors.pem" --no-default-trust | sort > "$work/before.jsonl" || true
    if cmp -s "$work/before.jsonl" "$work/after.jsonl"; then echo "records: identical (before and after)"; else echo "records: DIFFER"; diff "$work/before.jsonl" "$work/after.jsonl" | head -20; fi
fi
