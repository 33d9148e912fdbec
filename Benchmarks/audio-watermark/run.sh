#!/usr/bin/env bash
# The audio watermark's robustness table: Benchmarks/run audio-watermark (see run.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ailabel >/dev/null
swift build -c release --product WatermarkProbe >/dev/null
exec .venv/bin/python Benchmarks/audio-watermark/run.py "$@"
