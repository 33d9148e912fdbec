#!/usr/bin/env bash
# ailabel serve under load on loopback, beside the CLI on the same files and cores:
#   verify: 10,000 POST /v1/verify of ~1 MP JPEGs (stamped and signed, default --scan auto) at 64
#           concurrent connections (wrk with verify.lua), zero errors wanted; p50/p99 latency;
#           throughput beside `ailabel verify --jobs $(nproc)` over the same 10,000 files (hard links).
#   memory: 64 concurrent uploads of a 50 MB JPEG to /v1/verify; the server's peak resident memory.
# Usage: Benchmarks/serve/run.sh [REQUESTS]   (needs scripts/setup, wrk, and a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-10000}"
base="${BENCH_DIR:-Benchmarks}"
ailabel="${AILABEL:-.build/release/ailabel}"
[ -x "$ailabel" ] || swift build -c release --product ailabel >/dev/null
command -v wrk >/dev/null || { echo "serve benchmark: wrk is missing (scripts/setup installs it)" >&2; exit 1; }
work="$base/.work/serve"
rm -rf "$work"; mkdir -p "$work/files" "$work/cli"
cores=$(nproc)

# 100 JPEGs of 1152x864 (1 MP): ffmpeg's moving test pattern with film grain, so each differs and
# compresses like a photo (about 300 KB), stamped and signed.
"$ailabel" keys init "$work/keys" >/dev/null
mkdir -p "$work/sources"
ffmpeg -loglevel error -f lavfi -i "testsrc2=size=1152x864:rate=25" -vf "noise=alls=12:allf=t" -frames:v 100 -q:v 3 "$work/sources/frame-%03d.jpg"
find "$work/sources" -name '*.jpg' | sort > "$work/sources.txt"
"$ailabel" stamp "$work/sources" --out "$work/files" --sign-key "$work/keys/signer.key" \
    --sign-chain "$work/keys/signer-chain.pem" --time 2026-01-18T09:00:00Z >/dev/null
find "$work/files" -name '*.jpg' | sort > "$work/files.txt"
files=$(wc -l < "$work/files.txt")
mb=$(du -sm "$work/files" | cut -f1)
# The CLI's peer run: the same files, each verified requests/files times (hard links in copies).
rounds=$(( (requests + files - 1) / files ))
for i in $(seq 1 "$rounds"); do cp -al "$work/files" "$work/cli/round$i"; done
cat $(cat "$work/files.txt") > /dev/null

echo "serve-token" > "$work/tokens.txt"
"$ailabel" serve --listen 127.0.0.1:0 --token-file "$work/tokens.txt" --trust "$work/keys/trust-anchors.pem" --no-default-trust \
    --max-concurrency 256 --max-body-mb 128 --request-timeout 600 --jobs "$cores" > "$work/serve.out" 2> "$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")

# Warm-up (not counted), then the measured run.
wrk -t2 -c64 -d600s -s Benchmarks/serve/verify.lua "$url" -- "$work/files.txt" serve-token 250 > /dev/null
serve_line=$(wrk -t2 -c64 -d600s --latency -s Benchmarks/serve/verify.lua "$url" -- "$work/files.txt" serve-token $((requests / 2)) | grep '^RESULT')
echo "$serve_line"
serve_requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<< "$serve_line")
serve_seconds=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$serve_line")

start=$(date +%s.%N)
"$ailabel" verify "$work/cli" --format jsonl --jobs "$cores" --trust "$work/keys/trust-anchors.pem" --no-default-trust > "$work/cli.jsonl" || true
end=$(date +%s.%N)
cli_files=$(wc -l < "$work/cli.jsonl")
cli_seconds=$(echo "$end - $start" | bc)
cli_compliant=$(grep -c '"verdict":"compliant"' "$work/cli.jsonl" || true)

# 64 concurrent uploads of a 50 MB JPEG (stamped, so the default scan reads metadata; no pixels decoded).
python3 Fixtures/make_large_media.py jpeg "$(head -1 "$work/sources.txt")" "$work/large-source.jpg" 50000000
"$ailabel" stamp "$work/large-source.jpg" --out "$work/large" --time 2026-01-18T09:00:00Z >/dev/null
memory_line=$(python3 Benchmarks/serve/upload_memory.py "$url" serve-token "$work/large/large-source.jpg" "$server" 64 | grep '^RESULT')
echo "$memory_line"

kill -TERM $server; wait $server || true
trap - EXIT

serve_rate=$(echo "scale=1; $serve_requests / $serve_seconds" | bc)
cli_rate=$(echo "scale=1; $cli_files / $cli_seconds" | bc)
ratio=$(echo "scale=2; $serve_rate / $cli_rate" | bc)
cat <<REPORT

== ailabel serve, $cores cores, $(uname -m), $files stamped+signed ~1 MP JPEGs ($mb MB) ==
serve /v1/verify  $serve_line
                  throughput $serve_rate requests/s at 64 connections (wrk -t2 -c64)
CLI verify --jobs $cores  $cli_files files ($cli_compliant compliant) in $cli_seconds s = $cli_rate files/s
serve / CLI       $ratio
uploads           $memory_line
REPORT
