#!/usr/bin/env bash
# MP4 container benchmark, one run: stamp --sign, verify and inspect of a large MP4 (1 GB and 4 GB by default)
# beside cp and sha256sum over the same file, and the reference SDK signing and reading it; wall time
# and peak resident memory of each. The MP4s are made here: ffmpeg encodes a few seconds of noise
# losslessly (so the media does not compress away) and copies it end to end with -stream_loop until the
# file reaches the size; the files are real data, not sparse.
# Usage: Benchmarks/mp4/run.sh [SIZES_IN_BYTES…]   (AILABEL defaults to the release build; SDK=0 skips the SDK)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000000 4000000000)
ailabel=${AILABEL:-$root/.build/release/ailabel}
python=$root/.venv/bin/python
work=$root/Benchmarks/.work/mp4
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
"$ailabel" keys init "$work/keys" >/dev/null
keys=$work/keys

# Prints "SECONDS s PEAK MiB" of a command (its output discarded).
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%s s, %d MiB", $1, $2 / 1024 }'; }

# Three seconds of 640x360 noise at 25 fps, H.264 lossless: about 26 MB of media to repeat.
ffmpeg -v error -y -f lavfi -i "nullsrc=s=640x360:r=25,geq=random(1)*255:128:128" -t 3 \
    -c:v libx264 -preset ultrafast -qp 0 -pix_fmt yuv420p "$work/clip.mp4"
clip_size=$(stat -c %s "$work/clip.mp4")

sdk_read='import sys, c2pa; c2pa.Reader("video/mp4", open(sys.argv[1], "rb")).json()'

for size in "${sizes[@]}"; do
    loops=$(( (size + clip_size - 1) / clip_size - 1 ))
    ffmpeg -v error -y -stream_loop "$loops" -i "$work/clip.mp4" -c copy "$work/large.mp4"
    actual=$(stat -c %s "$work/large.mp4")
    echo "MP4, $actual bytes ($(df -h "$work" | awk 'NR==2 { print $4 }') free)"
    echo "  cp                      $(measure cp "$work/large.mp4" "$work/copy.mp4")"
    rm -f "$work/copy.mp4"
    echo "  sha256sum               $(measure sha256sum "$work/large.mp4")"
    echo "  ailabel stamp --sign    $(measure "$ailabel" stamp "$work/large.mp4" --out "$work/out" --sign-key "$keys/signer.key" --sign-chain "$keys/signer-chain.pem")"
    echo "  ailabel verify          $(measure "$ailabel" verify "$work/out/large.mp4" --trust "$keys/trust-anchors.pem" --fail-on "")"
    echo "  ailabel inspect         $(measure "$ailabel" inspect "$work/out/large.mp4")"
    "$ailabel" verify "$work/out/large.mp4" --trust "$keys/trust-anchors.pem" --fail-on "" --format json \
        | "$python" -c 'import json, sys; f = json.load(sys.stdin)["files"][0]; print("  (ailabel verify: C2PA", f["c2pa"]["state"], f["c2pa"]["failures"], ")")'
    rm -rf "$work/out"
    if [ "${SDK:-1}" = 1 ]; then
        echo "  reference SDK sign      $(measure "$python" Benchmarks/sdk_sign.py "$keys/signer.key" "$keys/signer-chain.pem" video/mp4 "$work/large.mp4" "$work/sdk.mp4")"
        echo "  reference SDK read      $(measure "$python" -c "$sdk_read" "$work/sdk.mp4")"
        rm -f "$work/sdk.mp4"
    fi
    rm -f "$work/large.mp4"
done
