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
# Wall-clock seconds and CPU seconds (user + system, all threads) of one run: on a machine that other
# work shares, the CPU time is the steadier figure; on a quiet one the wall clock is what a user waits.
seconds() {
    /usr/bin/time -o "$work/time" -f "%e %U %S" "$@" > /dev/null 2>&1 || true
    awk '{ printf "%s:%.2f", $1, $2 + $3 }' "$work/time"
}
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
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %14s %14s %14s %14s %10s %10s\n' build "meta wall" "meta CPU" "auto wall" "auto CPU" "auto/meta" "(CPU)"
wall() { echo "$1" | tr ' ' '\n' | grep : | cut -d: -f1 | median; }
cpu() { echo "$1" | tr ' ' '\n' | grep : | cut -d: -f2 | median; }
for build in $builds; do
    name="${build%%:*}"
    mw=$(wall "${times[$name-metadata]}"); mc=$(cpu "${times[$name-metadata]}")
    aw=$(wall "${times[$name-auto]}"); ac=$(cpu "${times[$name-auto]}")
    printf '%-10s %14.2f %14.2f %14.2f %14.2f %10.1f %10.1f\n' "$name" "$mw" "$mc" "$aw" "$ac" "$(echo "$aw / $mw" | bc -l)" "$(echo "$ac / $mc" | bc -l)"
done
if [ -n "$before" ]; then
    printf '%-10s %14s %14s %14.2f %14.2f\n' "before/after" "" "" \
        "$(echo "$(wall "${times[before-auto]}") / $(wall "${times[after-auto]}")" | bc -l)" \
        "$(echo "$(cpu "${times[before-auto]}") / $(cpu "${times[after-auto]}")" | bc -l)"
fi
# The verdicts and evidence must not change with the speed: the after build's records against the before build's.
if [ -n "$before" ]; then
    "$binary" verify "$work/verify" --format jsonl --trust "$work/keys/trust-anchors.pem" --no-default-trust | sort > "$work/after.jsonl" || true
    "$before" verify "$work/verify" --format jsonl --trust "$work/keys/trust-anchors.pem" --no-default-trust | sort > "$work/before.jsonl" || true
    if cmp -s "$work/before.jsonl" "$work/after.jsonl"; then echo "records: identical (before and after)"; else echo "records: DIFFER"; diff "$work/before.jsonl" "$work/after.jsonl" | head -20; fi
fi
