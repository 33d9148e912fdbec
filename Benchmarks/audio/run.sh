#!/usr/bin/env bash
# Audio benchmark, one run: stamp --sign and verify of a large WAV (an RF64 of 4.2 GB and a plain 1 GB
# RIFF by default) beside cp and sha256sum over the same file, and the reference SDK signing and reading
# the 1 GB RIFF (its RIFF reader does not read RF64); wall time and peak resident memory of each.
# Usage: Benchmarks/audio/run.sh [RF64_BYTES] [RIFF_BYTES] [AILABEL]   (AILABEL defaults to the release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
rf64_size=${1:-4500000000}
riff_size=${2:-1000000000}
ailabel=${3:-$root/.build/release/ailabel}
python=$root/.venv/bin/python
work=$root/Benchmarks/.work/audio
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
"$ailabel" keys init "$work/keys" >/dev/null
keys=$work/keys

# Prints "SECONDS PEAK_MiB" of a command (its output discarded).
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%s s %d MiB", $1, $2 / 1024 }'; }

row() {
    local name=$1 file=$2 size
    size=$(stat -c %s "$file")
    echo "$name: $size bytes"
    echo "  cp                      $(measure cp "$file" "$work/copy.wav")"
    rm -f "$work/copy.wav"
    echo "  sha256sum               $(measure sha256sum "$file")"
    echo "  ailabel stamp --sign    $(measure "$ailabel" stamp "$file" --out "$work/out" --sign-key "$keys/signer.key" --sign-chain "$keys/signer-chain.pem")"
    # A stamp that failed leaves no output: say so, rather than timing verify and inspect on a missing file.
    if [ ! -f "$work/out/$(basename "$file")" ]; then
        echo "  (stamp failed: $("$ailabel" stamp "$file" --out "$work/out" --sign-key "$keys/signer.key" --sign-chain "$keys/signer-chain.pem" --json 2>/dev/null | sed -n 's/.*"error":"\([^"]*\)".*/\1/p'))"
        rm -rf "$work/out"
        return
    fi
    echo "  ailabel verify          $(measure "$ailabel" verify "$work/out/$(basename "$file")" --trust "$keys/trust-anchors.pem" --fail-on "")"
    echo "  ailabel inspect         $(measure "$ailabel" inspect "$work/out/$(basename "$file")")"
    echo "  (ailabel verify: $("$ailabel" verify "$work/out/$(basename "$file")" --trust "$keys/trust-anchors.pem" --format json --fail-on "" | "$python" -c 'import json, sys; f = json.load(sys.stdin)["files"][0]; print(f["verdict"], (f.get("c2pa") or {}).get("state"))'))"
    rm -rf "$work/out"
}

"$python" Benchmarks/audio/make_wav.py "$work/large-rf64.wav" "$rf64_size" rf64
row "RF64 WAV" "$work/large-rf64.wav"
rm -f "$work/large-rf64.wav"

"$python" Benchmarks/audio/make_wav.py "$work/large.wav" "$riff_size" riff
row "RIFF WAV" "$work/large.wav"
echo "  reference SDK sign      $(measure "$python" Benchmarks/sdk_sign.py "$keys/signer.key" "$keys/signer-chain.pem" audio/wav "$work/large.wav" "$work/sdk.wav")"
echo "  reference SDK read      $(measure "$python" -c 'import sys, c2pa; c2pa.Reader(sys.argv[1]).json()' "$work/sdk.wav")"
