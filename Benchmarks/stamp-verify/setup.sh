# Shared by run.sh and rounds.sh (sourced, with `count` set): the corpus on the chosen filesystem,
# the release binary, and the timer.
base="${BENCH_DIR:-Benchmarks}"
corpus="$base/.corpus/stamp-verify-$count"
ailabel="${AILABEL:-.build/release/ailabel}"
[ -x "$ailabel" ] || swift build -c release --product ailabel >/dev/null
[ -d "$corpus" ] || .venv/bin/python Benchmarks/stamp-verify/make_corpus.py "$corpus" "$count"
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
