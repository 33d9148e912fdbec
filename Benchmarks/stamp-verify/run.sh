#!/usr/bin/env bash
# Stamp and verify throughput on a 1000-file corpus (about 0.5 GB of ~1 MP JPEG and PNG), each figure
# beside its peer's, measured in one run on one filesystem:
#   stamp:  ailabel stamp --out   vs  exiftool -overwrite_original -XMP-iptcExt:DigitalSourceType=…  vs  cp -r (floor)
#   verify: ailabel verify --format jsonl --scan metadata (half the corpus stamped and signed)
#           vs  exiftool -r -json -XMP-iptcExt:DigitalSourceType  vs  cat of every file (floor);
#           and the default --scan auto beside it.
# Usage: Benchmarks/stamp-verify/run.sh [COUNT]   (needs scripts/setup and a release build)
#   BENCH_DIR=/dev/shm Benchmarks/stamp-verify/run.sh   puts corpus and outputs on that filesystem
#   instead of Benchmarks/ (on tmpfs a flush costs nothing, so the figures show the work itself).
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000}"
source Benchmarks/stamp-verify/setup.sh
work="$base/.work/stamp-verify"
rm -rf "$work"; mkdir -p "$work"
fs=$(df -T "$work" | awk 'NR==2 {print $2 " on " $7}')
size=$(du -sh "$corpus" | cut -f1)

drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }

# Warm the page cache for all three (the corpus is read from cache by each).
cat $(find "$corpus" -type f) > /dev/null

t_cp=$(seconds cp -r "$corpus" "$work/cp")
# ailabel makes every file durable before its rename (crash safety: one syncfs per group of files);
# cp -r leaves data in the page cache.
# The durable floor is cp -r followed by sync.
sync
t_cp_sync=$(seconds sh -c "cp -r '$corpus' '$work/cp-sync' && sync")
sync
t_ailabel=$(seconds "$ailabel" stamp "$corpus" --out "$work/ailabel" --time 2026-01-18T09:00:00Z --jobs "$(nproc)")
cp -r "$corpus" "$work/exiftool"
t_exiftool=$(seconds exiftool -q -r -overwrite_original \
    "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" "$work/exiftool")

# Verify corpus: half stamped and signed by ailabel, half untouched.
"$ailabel" keys init "$work/keys" >/dev/null
mkdir -p "$work/verify"
cp -r "$corpus"/batch0[0-4] "$work/verify/" 2>/dev/null || true
for batch in "$corpus"/batch0[5-9]; do
    [ -d "$batch" ] && "$ailabel" stamp "$batch" --out "$work/verify/$(basename "$batch")" --sign-key "$work/keys/signer.key" \
        --sign-chain "$work/keys/signer-chain.pem" --time 2026-01-18T09:00:00Z >/dev/null
done
cat $(find "$work/verify" -type f) > /dev/null
t_cat=$(seconds sh -c "find '$work/verify' -type f -print0 | xargs -0 cat > /dev/null")
t_verify=$(seconds "$ailabel" verify "$work/verify" --format jsonl --scan metadata --trust "$work/keys/trust-anchors.pem")
t_verify_auto=$(seconds "$ailabel" verify "$work/verify" --format jsonl --trust "$work/keys/trust-anchors.pem")
# The HTML report adds a thumbnail per image, made by the verifying workers from the bytes (and, under
# --scan auto, the pixels) they already have; its cost is the difference to the JSON Lines line above.
t_verify_html=$(seconds "$ailabel" verify "$work/verify" --format html --output "$work/report.html" --trust "$work/keys/trust-anchors.pem")
t_exif_read=$(seconds exiftool -q -r -json -XMP-iptcExt:DigitalSourceType "$work/verify")
signed=$("$ailabel" verify "$work/verify" --format json --scan metadata --trust "$work/keys/trust-anchors.pem" | grep -c '"state" : "Trusted"' || true)

printf '\nstamp/verify benchmark: %s files, %s, %s, %s cores\n' "$count" "$size" "$fs" "$(nproc)"
printf '%-58s %10s %10s\n' "operation" "seconds" "vs floor"
ratio() { echo "scale=2; $1 / $2" | bc; }
printf '%-58s %10.2f %10s\n' "cp -r (floor)" "$t_cp" "1.00"
printf '%-58s %10.2f %10s\n' "cp -r && sync (durable floor)" "$t_cp_sync" "$(ratio "$t_cp_sync" "$t_cp")"
printf '%-58s %10.2f %10s\n' "ailabel stamp --out (IPTC+TC260+ailabel XMP+EXIF)" "$t_ailabel" "$(ratio "$t_ailabel" "$t_cp")"
printf '%-58s %10s\n' "ailabel / durable floor" "$(ratio "$t_ailabel" "$t_cp_sync")x"
printf '%-58s %10.2f %10s\n' "exiftool -overwrite_original DigitalSourceType" "$t_exiftool" "$(ratio "$t_exiftool" "$t_cp")"
printf '%-58s %10s\n' "exiftool / ailabel (stamp)" "$(ratio "$t_exiftool" "$t_ailabel")x"
printf '%-58s %10.2f %10s\n' "cat every file (floor)" "$t_cat" "1.00"
printf '%-58s %10.2f %10s\n' "ailabel verify --scan metadata (all collectors, C2PA)" "$t_verify" "$(ratio "$t_verify" "$t_cat")"
printf '%-58s %10.2f %10s\n' "ailabel verify --scan auto (default)" "$t_verify_auto" "$(ratio "$t_verify_auto" "$t_cat")"
printf '%-58s %10.2f %10s\n' "ailabel verify --scan auto --format html (thumbnails)" "$t_verify_html" "$(ratio "$t_verify_html" "$t_cat")"
printf '%-58s %10.2f %10s\n' "exiftool -r -json DigitalSourceType" "$t_exif_read" "$(ratio "$t_exif_read" "$t_cat")"
printf '%-58s %10s\n' "exiftool / ailabel (verify --scan metadata)" "$(ratio "$t_exif_read" "$t_verify")x"
printf '%-58s %10s\n' "C2PA manifests validated as Trusted" "$signed"
