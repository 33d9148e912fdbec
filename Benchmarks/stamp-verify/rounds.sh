#!/usr/bin/env bash
# Interleaved rounds of the stamp comparison, medians printed: on a shared machine one run can land on
# a slow or a fast minute, and interleaving gives each contender the same minutes.
# Usage: Benchmarks/stamp-verify/rounds.sh [ROUNDS] [COUNT]   (BENCH_DIR as in run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-5}"
count="${2:-1000}"
source Benchmarks/stamp-verify/setup.sh
work="$base/.work/stamp-rounds"
fs=$(df -T "$base" | awk 'NR==2 {print $2 " on " $7}')
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
cat $(find "$corpus" -type f) > /dev/null
cp_times=() sync_times=() ailabel_times=()
for round in $(seq "$rounds"); do
    rm -rf "$work"; mkdir -p "$work"; sync
    cp_times+=("$(seconds cp -r "$corpus" "$work/cp")"); sync
    sync_times+=("$(seconds sh -c "cp -r '$corpus' '$work/cp-sync' && sync")"); sync
    ailabel_times+=("$(seconds "$ailabel" stamp "$corpus" --out "$work/ailabel" --time 2026-01-18T09:00:00Z --jobs "$(nproc)")"); sync
done
rm -rf "$work"
m_cp=$(printf '%s\n' "${cp_times[@]}" | median)
m_sync=$(printf '%s\n' "${sync_times[@]}" | median)
m_ailabel=$(printf '%s\n' "${ailabel_times[@]}" | median)
printf '\nstamp, %s interleaved rounds, %s files, %s, medians (all rounds)\n' "$rounds" "$count" "$fs"
printf '%-34s %8.2f s   (%s)\n' "cp -r" "$m_cp" "${cp_times[*]}"
printf '%-34s %8.2f s   (%s)\n' "cp -r && sync" "$m_sync" "${sync_times[*]}"
printf '%-34s %8.2f s   (%s)\n' "ailabel stamp --out" "$m_ailabel" "${ailabel_times[*]}"
printf 'ailabel / cp -r: %sx   ailabel / (cp -r && sync): %sx\n' \
    "$(echo "scale=2; $m_ailabel / $m_cp" | bc)" "$(echo "scale=2; $m_ailabel / $m_sync" | bc)"
