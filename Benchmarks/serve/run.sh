#!/usr/bin/env bash
# ailabel serve under load on loopback, beside the CLI on the same files and cores:
#   verify: 10,000 POST /v1/verify of ~1 MP JPEGs (stamped and signed, default --scan auto) over 64
#           keep-alive connections (loadgen.c, one blocking thread per connection; load.py, a
#           standard-library asyncio generator, where no C compiler is found), zero errors wanted;
#           p50/p99 latency; throughput beside `ailabel verify --jobs $(nproc)` over the same 10,000
#           files (hard links), same cores.
#   memory: 64 concurrent uploads of a 50 MB JPEG to /v1/verify; the server's peak resident memory
#           during them (/proc VmHWM, reset before, and VmRSS sampled every 20 ms).
#   stamp:  one POST /v1/stamp with the server's signer, the answer read by the reference SDK
#           (c2pa-python) with the run's trust anchor: Trusted wanted.
# Usage: Benchmarks/serve/run.sh [REQUESTS]   (ROUNDS=3 by default: serve and CLI alternate; needs scripts/setup and a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-10000}"
base="${BENCH_DIR:-Benchmarks}"
ailabel="${AILABEL:-.build/release/ailabel}"
[ -x "$ailabel" ] || swift build -c release --product ailabel >/dev/null
python="${PYTHON:-.venv/bin/python}"
[ -x "$python" ] || python=python3
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

# What else runs on the machine (it is shared): the load and the busiest processes, before and after.
background() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg); busiest:"; ps -eo pcpu,etime,comm --sort=-pcpu | sed -n '2,7p'; }
background > "$work/background-before.txt"

echo "serve-token" > "$work/tokens.txt"
"$ailabel" serve --listen 127.0.0.1:0 --token-file "$work/tokens.txt" --trust "$work/keys/trust-anchors.pem" --no-default-trust \
    --sign-key "$work/keys/signer.key" --sign-chain "$work/keys/signer-chain.pem" \
    --max-concurrency 256 --max-body-mb 128 --request-timeout 600 --jobs "$cores" > "$work/serve.out" 2> "$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")

# The load generator: loadgen.c, whose CPU time per request is about a third of load.py's (both share
# the cores with the server, so the lighter one measures the server, not the client).
if cc -O2 -pthread -o "$work/loadgen" Benchmarks/serve/loadgen.c 2>/dev/null; then load=("$work/loadgen"); else load=("$python" Benchmarks/serve/load.py); fi
# Warm-up (not counted), then the measured run: exactly $requests requests over 64 connections, with
# the server's CPU time (user and system, from /proc) read before and after.
"${load[@]}" "$url" serve-token "$work/files.txt" 256 64 > /dev/null
server_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# Serve and CLI measured in rounds that alternate which goes first (serve then CLI, CLI then serve, ...):
# this machine's speed drifts by 10-15% from one minute to the next, and a single pair measured in
# sequence would give whichever ran in the faster minute the advantage. Figures are summed over rounds.
rounds="${ROUNDS:-3}"
serve_ok=0; serve_errors=0; serve_seconds=0; server_cpu=0; cli_files=0; cli_seconds=0; cli_cpu=0; cli_compliant=0; round_lines=""
serve_round() {
    local before after line
    before=$(server_ticks)
    line=$("${load[@]}" "$url" serve-token "$work/files.txt" "$requests" 64 | grep '^RESULT')
    after=$(server_ticks)
    round_serve_cpu=$(echo "scale=2; ($after - $before) / $(getconf CLK_TCK)" | bc)
    round_serve_line="$line"
}
cli_round() {
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$work/cli.time" "$ailabel" verify "$work/cli" --format jsonl --jobs "$cores" --trust "$work/keys/trust-anchors.pem" --no-default-trust > "$work/cli.jsonl" || true
    end=$(date +%s.%N)
    round_cli_seconds=$(echo "$end - $start" | bc)
    round_cli_cpu=$(awk '{printf "%.2f", $1 + $2}' "$work/cli.time")
    round_cli_files=$(wc -l < "$work/cli.jsonl")
    round_cli_compliant=$(grep -c '"verdict":"compliant"' "$work/cli.jsonl" || true)
}
for round in $(seq 1 "$rounds"); do
    if (( round % 2 == 1 )); then serve_round; cli_round; order="serve, CLI"; else cli_round; serve_round; order="CLI, serve"; fi
    ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<< "$round_serve_line")
    errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<< "$round_serve_line")
    seconds=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$round_serve_line")
    serve_ok=$((serve_ok + ok)); serve_errors=$((serve_errors + errors)); serve_seconds=$(echo "$serve_seconds + $seconds" | bc)
    server_cpu=$(echo "$server_cpu + $round_serve_cpu" | bc)
    cli_files=$((cli_files + round_cli_files)); cli_compliant=$((cli_compliant + round_cli_compliant))
    cli_seconds=$(echo "$cli_seconds + $round_cli_seconds" | bc); cli_cpu=$(echo "$cli_cpu + $round_cli_cpu" | bc)
    round_ratio=$(echo "scale=3; ($ok / $seconds) / ($round_cli_files / $round_cli_seconds)" | bc)
    echo "round $round ($order): $round_serve_line server_cpu_s=$round_serve_cpu | CLI $round_cli_files files in $round_cli_seconds s, CPU $round_cli_cpu s | serve / CLI $round_ratio"
    round_lines+="round $round ($order): serve $(echo "scale=1; $ok / $seconds" | bc) requests/s ($(sed -n 's/.*\(p50_ms=[0-9.]* p99_ms=[0-9.]*\).*/\1/p' <<< "$round_serve_line"), server CPU $round_serve_cpu s), CLI $(echo "scale=1; $round_cli_files / $round_cli_seconds" | bc) files/s (CPU $round_cli_cpu s): $round_ratio"$'\n'
done
serve_line="RESULT rounds=$rounds requests=$((rounds * requests)) ok=$serve_ok errors=$serve_errors seconds=$serve_seconds"

# 64 concurrent uploads of a 50 MB JPEG (stamped, so the default scan reads metadata; no pixels decoded).
python3 Fixtures/make_large_media.py jpeg "$(head -1 "$work/sources.txt")" "$work/large-source.jpg" 50000000
"$ailabel" stamp "$work/large-source.jpg" --out "$work/large" --time 2026-01-18T09:00:00Z >/dev/null
memory_line=$("$python" Benchmarks/serve/upload_memory.py "$url" serve-token "$work/large/large-source.jpg" "$server" 64 | grep '^RESULT')
echo "$memory_line"

# A stamp round trip: the server signs, the reference SDK reads the answer with the run's trust anchor.
stamp_status=$("$python" - "$url" "$(head -1 "$work/sources.txt")" "$work/served-stamp.jpg" <<'PY'
import sys, urllib.request, urllib.error
url, source, out = sys.argv[1:4]
request = urllib.request.Request(url + "/v1/stamp?profile=kz&time=2026-01-18T09:00:00Z", data=open(source, "rb").read(),
                                 headers={"Authorization": "Bearer serve-token", "Content-Type": "image/jpeg"})
try:
    with urllib.request.urlopen(request, timeout=120) as response:
        open(out, "wb").write(response.read())
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
PY
)
sdk_state=$("$python" Fixtures/c2pa/referee.py read "$work/served-stamp.jpg" --trust "$work/keys/trust-anchors.pem" \
    | "$python" -c 'import json,sys; print(json.load(sys.stdin).get("state"))' || echo error)
stamp_line="status=$stamp_status sdk_state=$sdk_state"
echo "stamp round trip: $stamp_line"
background > "$work/background-after.txt"

kill -TERM $server; wait $server || true
trap - EXIT

serve_rate=$(echo "scale=1; $serve_ok / $serve_seconds" | bc)
cli_rate=$(echo "scale=1; $cli_files / $cli_seconds" | bc)
ratio=$(echo "scale=2; $serve_rate / $cli_rate" | bc)
cat <<REPORT

== ailabel serve, $cores cores, $(uname -m), $files stamped+signed ~1 MP JPEGs ($mb MB) ==
serve /v1/verify  $serve_line
                  throughput $serve_rate requests/s at 64 connections (${load[0]##*/}); server CPU $server_cpu s
CLI verify --jobs $cores  $cli_files files over $rounds runs ($cli_compliant compliant) in $cli_seconds s = $cli_rate files/s; CPU $cli_cpu s
serve / CLI       $ratio (all rounds)
${round_lines}uploads           $memory_line
stamp round trip  $stamp_line
before:
$(cat "$work/background-before.txt")
after:
$(cat "$work/background-after.txt")
REPORT
