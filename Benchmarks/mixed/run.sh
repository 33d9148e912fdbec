#!/usr/bin/env bash
# Stamp (with signing) and verify throughput on 1000 files spread over every still format the built
# ailabel reads, each figure beside its peer's, measured in one run on one filesystem:
#   stamp:  ailabel stamp --out --sign  vs  exiftool writing the same XMP packet  vs  cp -r (floor), with two
#           more floors for what a signed stamp must do beyond a copy: cp -r then sync (ailabel's writes are
#           durable), and SHA-256 over every byte on every core (the C2PA data hash reads each byte once)
#   verify: ailabel verify --scan metadata  vs  exiftool -r -json reading DigitalSourceType  vs  cat (floor)
# Usage: Benchmarks/mixed/run.sh [COUNT]   (BENCH_DIR=/dev/shm puts corpus and outputs on tmpfs; REPEAT=N
# rounds, default 3, each row's median printed)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000}"
base="${BENCH_DIR:-Benchmarks}"
ailabel="${AILABEL:-.build/release/ailabel}"
[ -x "$ailabel" ] || swift build -c release --product ailabel >/dev/null
# Wall, user and system seconds of one command (bash's own `time`: no extra tool needed), and the wall alone.
timed() { local TIMEFORMAT='%R %U %S'; { time "$@" >/dev/null 2>&1 || true; } 2>&1 | tail -1; }
seconds() { timed "$@" | cut -d' ' -f1; }
work="$base/.work/mixed"
rm -rf "$work"; mkdir -p "$work/probe"

# The formats to measure: those the built ailabel reads, found by inspecting one sample of each.
candidates=(jpeg png webp tiff gif avif jxl heif)
formats=()
for candidate in "${candidates[@]}"; do
    .venv/bin/python Benchmarks/mixed/make_corpus.py "$work/probe/$candidate" 1 "$candidate" 2>/dev/null || continue
    file=$(find "$work/probe/$candidate" -type f | head -1)
    [ -n "$file" ] || continue
    format=$("$ailabel" inspect --json "$file" 2>/dev/null | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)[0].get("format",""))' 2>/dev/null || true)
    [ "$format" = "$candidate" ] && formats+=("$format")
done
[ ${#formats[@]} -gt 0 ] || { echo "Benchmarks/mixed: the built ailabel reads none of ${candidates[*]}" >&2; exit 1; }
corpus="$base/.corpus/mixed-$count-$(IFS=-; echo "${formats[*]}")"
[ -d "$corpus" ] || .venv/bin/python Benchmarks/mixed/make_corpus.py "$corpus" "$count" "${formats[@]}"
fs=$(df -T "$work" | awk 'NR==2 {print $2 " on " $7}')
size=$(du -sh "$corpus" | cut -f1)
"$ailabel" keys init "$work/keys" >/dev/null
sign=(--sign-key "$work/keys/signer.key" --sign-chain "$work/keys/signer-chain.pem")
trust=(--trust "$work/keys/trust-anchors.pem")

# Every row is measured REPEAT times (default 3), the rows of one round one after the other, and the
# median of each row is printed (with its range): on a shared virtual machine one round can be off by 2x.
repeat="${REPEAT:-3}"
declare -A samples=()
add() { samples[$1]="${samples[$1]:-} $2"; }
for round in $(seq "$repeat"); do
    rm -rf "$work/cp" "$work/cp-sync" "$work/ailabel" "$work/ailabel-1" "$work/exiftool"
    cat $(find "$corpus" -type f) > /dev/null
    add cp "$(seconds cp -r "$corpus" "$work/cp")"
    sync
    add cpsync "$(seconds sh -c "cp -r '$corpus' '$work/cp-sync' && sync")"
    add sha "$(seconds sh -c "find '$corpus' -type f -print0 | xargs -0 -P $(nproc) -n 64 openssl dgst -sha256 > /dev/null")"
    read -r wall user system <<<"$(timed "$ailabel" stamp "$corpus" --out "$work/ailabel" "${sign[@]}" --time 2026-01-18T09:00:00Z --jobs "$(nproc)")"
    add stamp "$wall"; add cpu "$(echo "$user + $system" | bc)"
    # The same stamp on one core: how the stamp scales with cores (cp -r uses one whatever the machine).
    read -r wall _ _ <<<"$(timed "$ailabel" stamp "$corpus" --out "$work/ailabel-1" "${sign[@]}" --time 2026-01-18T09:00:00Z --jobs 1)"
    add stamp1 "$wall"
    # exiftool writes the very XMP packet ailabel wrote into the first stamped file, into a copy of the corpus.
    first=$(find "$work/ailabel" -type f -name '*.jpg' | sort | head -1)
    exiftool -q -xmp -b "$first" > "$work/label.xmp"
    cp -r "$corpus" "$work/exiftool"
    add exiftool "$(seconds exiftool -q -r -overwrite_original "-xmp<=$work/label.xmp" "$work/exiftool")"
    cat $(find "$work/ailabel" -type f) > /dev/null
    add cat "$(seconds sh -c "find '$work/ailabel' -type f -print0 | xargs -0 cat > /dev/null")"
    add verify "$(seconds "$ailabel" verify "$work/ailabel" --format jsonl --scan metadata "${trust[@]}")"
    add exifread "$(seconds exiftool -q -r -json -XMP-iptcExt:DigitalSourceType "$work/ailabel")"
done
stamped=$(find "$work/ailabel" -type f | wc -l)
trusted=$("$ailabel" verify "$work/ailabel" --format jsonl --scan metadata "${trust[@]}" | grep -c '"Trusted"' || true)
median() { tr ' ' '\n' <<<"${samples[$1]}" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2)}'; }
range() { tr ' ' '\n' <<<"${samples[$1]}" | grep . | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f-%.2f", lo, hi}'; }
for row in cp cpsync sha stamp cpu stamp1 exiftool cat verify exifread; do printf -v "m_$row" '%s' "$(median "$row")"; done

printf '\nmixed-format benchmark: %s files (%s), %s, %s, %s cores, median of %s rounds (range)\n' "$count" "${formats[*]}" "$size" "$fs" "$(nproc)" "$repeat"
ratio() { echo "scale=2; $1 / $2" | bc; }
row() { printf '%-58s %10.2f %10s %12s\n' "$1" "$2" "$3" "$4"; }
printf '%-58s %10s %10s %12s\n' "operation" "seconds" "vs floor" "range"
row "cp -r (floor)" "$m_cp" "1.00" "$(range cp)"
row "cp -r then sync (a durable copy)" "$m_cpsync" "$(ratio "$m_cpsync" "$m_cp")" "$(range cpsync)"
row "openssl SHA-256 of every file, $(nproc) processes" "$m_sha" "$(ratio "$m_sha" "$m_cp")" "$(range sha)"
row "ailabel stamp --out --sign (XMP+TC260+EXIF+C2PA)" "$m_stamp" "$(ratio "$m_stamp" "$m_cp")" "$(range stamp)"
row "exiftool -overwrite_original (the same XMP packet)" "$m_exiftool" "$(ratio "$m_exiftool" "$m_cp")" "$(range exiftool)"
printf '%-58s %10s\n' "exiftool / ailabel (stamp)" "$(ratio "$m_exiftool" "$m_stamp")x"
row "ailabel stamp --jobs 1 (one core)" "$m_stamp1" "$(ratio "$m_stamp1" "$m_cp")" "$(range stamp1)"
row "ailabel stamp --jobs $(nproc): CPU seconds (user + system)" "$m_cpu" "$(ratio "$m_cpu" "$m_cp")" "$(range cpu)"
row "cat every stamped file (floor)" "$m_cat" "1.00" "$(range cat)"
row "ailabel verify --scan metadata (C2PA validated)" "$m_verify" "$(ratio "$m_verify" "$m_cat")" "$(range verify)"
row "exiftool -r -json DigitalSourceType" "$m_exifread" "$(ratio "$m_exifread" "$m_cat")" "$(range exifread)"
printf '%-58s %10s\n' "exiftool / ailabel (verify)" "$(ratio "$m_exifread" "$m_verify")x"
printf '%-58s %10s\n' "files stamped / manifests validated as Trusted" "$stamped / $trusted"
