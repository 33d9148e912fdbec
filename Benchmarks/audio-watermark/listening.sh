#!/usr/bin/env bash
# Is the audio watermark heard: PESQ of marked speech, and the kit for a blind ABX listening test
# (see listening.py). Usage: Benchmarks/audio-watermark/listening.sh prepare KIT | score KIT ANSWERS
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ailabel >/dev/null
# The objective score's one extra package (ITU-T P.862 in C, built from source by pip).
.venv/bin/python -c "import pesq" 2>/dev/null || .venv/bin/pip install -q --disable-pip-version-check pesq
exec .venv/bin/python Benchmarks/audio-watermark/listening.py "$@"
