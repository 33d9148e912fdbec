#!/usr/bin/env bash
# Catalogue throughput: `ailabel verify --catalog` and `ailabel stamp --catalog` on one product feed
# of COUNT records (default 50000), beside the floors: `cat` (reading the feed) and Python's csv module
# (parsing it, nothing more). There is no other tool that audits a catalogue for AI disclosures.
# Run from the repository root (Benchmarks/run catalog).
set -euo pipefail
count=${1:-50000}
ailabel=${AILABEL:-.build/release/ailabel}   # AILABEL=path compares another build
[ -x "$ailabel" ] || swift build -c release --product ailabel >/dev/null
work=Benchmarks/.corpus/catalog-$count
mkdir -p "$work"
[ -f "$work/feed.csv" ] || python3 Benchmarks/catalog/make_feed.py "$work/feed.csv" "$count"
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }

cat "$work/feed.csv" >/dev/null   # warm the page cache for every contender alike
floor_cat=$(seconds cat "$work/feed.csv")
floor_csv=$(seconds python3 -c 'import csv, sys; sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8")))' "$work/feed.csv")
verify=$(seconds "$ailabel" verify --catalog "$work/feed.csv" --format json)
rm -f "$work/stamped.csv"
stamp=$(seconds "$ailabel" stamp --catalog "$work/feed.csv" --out "$work/stamped.csv")
# The stamped feed, verified: every AI record should now be compliant, the rest without AI evidence.
verdicts=$("$ailabel" verify --catalog "$work/stamped.csv" --format json | python3 -c 'import collections, json, sys; print(", ".join(f"{v}: {n}" for v, n in sorted(collections.Counter(f["verdict"] for f in json.load(sys.stdin)["files"]).items())))' || true)

printf '\nCatalogue: %s records, %s bytes\n' "$count" "$(stat -c %s "$work/feed.csv")"
printf '%-44s %8s s\n' "floor: cat" "$floor_cat" "floor: python3 csv.reader (parse only)" "$floor_csv" \
  "ailabel verify --catalog" "$verify" "ailabel stamp --catalog --out" "$stamp"
printf 'the stamped feed verified: %s\n' "$verdicts"
