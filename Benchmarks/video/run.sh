#!/usr/bin/env bash
# Video watermark robustness, quality and stamping speed (see video_bench.py). Options through the
# environment: CLIPS (20), CLEAN (100), DURATIONS (5,10,20,30), CLEAN_SECONDS (5), SPEED_SECONDS (60), NO_SPEED=1,
# QUALITY_CLIPS (default all: the PSNR measured on the first N clips only).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ailabel >/dev/null
swift build -c release --product WatermarkProbe >/dev/null
python=".venv/bin/python"
[ -x "$python" ] || python=python3
args=(--clips "${CLIPS:-20}" --clean "${CLEAN:-100}" --durations "${DURATIONS:-5,10,20,30}"
      --clean-seconds "${CLEAN_SECONDS:-5}" --speed-seconds "${SPEED_SECONDS:-60}")
[ -n "${NO_SPEED:-}" ] && args+=(--no-speed)
[ -n "${QUALITY_CLIPS:-}" ] && args+=(--quality-clips "$QUALITY_CLIPS")
exec "$python" Benchmarks/video/video_bench.py "${args[@]}"
