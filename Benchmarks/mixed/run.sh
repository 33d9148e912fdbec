#!/usr/bin/env bash
# Stamp (with signing) and verify throughput on 1000 files spread over every still format the built
# ailabel reads, each figure beside its peer's, measured in one run on one filesystem:
#   stamp:  ailabel stamp --out --sign  vs  exiftool writing the same XMP packet  vs  cp -r (floor)
#   verify: ailabel verify --scan metadata  vs  exiftool -r -json reading DigitalSourceType  vs  cat (floor)
# Usage: Benchmarks/mixed/run.sh [COUNT]   (BENCH_DIR=/dev/shm puts corpus and outputs on tmpfs)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000}"
base="${BENCH_DIR:-Benchmarks}"
ailabel="${AILABEL:-.build/release/ailabel}"
[ -x "$ailabel" ] || swift build -c release --product ailabel >/dev/null
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
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

cat $(find "$corpus" -type f) > /dev/null
t_cp=$(seconds cp -r "$corpus" "$work/cp")
sync
t_ailabel=$(seconds "$ailabel" stamp "$corpus" --out "$work/ailabel" "${sign[@]}" --time 2026-01-18T09:00:00Z --jobs "$(nproc)")
stamped=$(find "$work/ailabel" -type f | wc -l)
# exiftool writes the very XMP packet ailabel wrote into the first stamped file, into a copy of the corpus.
first=$(find "$work/ailabel" -type f -name '*.jpg' | sort | head -1)
exiftool -q -xmp -b "$first" > "$work/label.xmp"
cp -r "$corpus" "$work/exiftool"
t_exiftool=$(seconds exiftool -q -r -overwrite_original "-xmp<=$work/label.xmp" "$work/exiftool")

cat $(find "$work/ailabel" -type f) > /dev/null
t_cat=$(seconds sh -c "find '$work/ailabel' -type f -print0 | xargs -0 cat > /dev/null")
t_verify=$(seconds "$ailabel" verify "$work/ailabel" --format jsonl --scan metadata "${trust[@]}")
t_exif_read=$(seconds exiftool -q -r -json -XMP-iptcExt:DigitalSourceType "$work/ailabel")
trusted=$("$ailabel" verify "$work/ailabel" --format jsonl --scan metadata "${trust[@]}" | grep -c '"Trusted"' || true)

printf '\nmixed-format benchmark: %s files (%s), %s, %s, %s cores\n' "$count" "${formats[*]}" "$size" "$fs" "$(nproc)"
ratio() { echo "scale=2; $1 / $2" | bc; }
printf '%-58s %10s %10s\n' "operation" "seconds" "vs floor"
printf '%-58s %10.2f %10s\n' "cp -r (floor)" "$t_cp" "1.00"
printf '%-58s %10.2f %10s\n' "ailabel stamp --out --sign (XMP+TC260+EXIF+C2PA)" "$t_ailabel" "$(ratio "$t_ailabel" "$t_cp")"
printf '%-58s %10.2f %10s\n' "exiftool -overwrite_original (the same XMP packet)" "$t_exiftool" "$(ratio "$t_exiftool" "$t_cp")"
printf '%-58s %10s\n' "exiftool / ailabel (stamp)" "$(ratio "$t_exiftool" "$t_ailabel")x"
printf '%-58s %10.2f %10s\n' "cat every stamped file (floor)" "$t_cat" "1.00"
printf '%-58s %10.2f %10s\n' "ailabel verify --scan metadata (C2PA validated)" "$t_verify" "$(ratio "$t_verify" "$t_cat")"
printf '%-58s %10.2f %10s\n' "exiftool -r -json DigitalSourceType" "$t_exif_read" "$(ratio "$t_exif_read" "$t_cat")"
printf '%-58s %10s\n' "exiftool / ailabel (verify)" "$(ratio "$t_exif_read" "$t_verify")x"
printf '%-58s %10s\n' "files stamped / manifests validated as Trusted" "$stamped / $trusted"
