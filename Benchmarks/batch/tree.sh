# Sourced by run.sh and stamp.sh: the generated tree and the measuring of one command.
#   make_tree DIR COUNT   COUNT distinct copies of Fixtures/media/tiny-64x48.jpg in 1,000-file folders
#                         under DIR, and DIR.list0 (their paths, NUL-separated)
#   measure LABEL CMD...  runs CMD, prints its wall seconds and peak resident MiB beside LABEL; $work
#                         must name a scratch folder; with $after set, runs it (a cleanup) afterwards
make_tree() {
    python3 - "$1" "$2" Fixtures/media/tiny-64x48.jpg <<'PY'
import os, sys
root, count, source = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "rb").read()
for index in range(count):
    folder = os.path.join(root, f"{index // 100000:02d}", f"{index // 1000 % 100:02d}")
    if index % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    # Each file distinct (its last bytes after EOI), as uploads are.
    with open(os.path.join(folder, f"img{index:07d}.jpg"), "wb") as f:
        f.write(source + index.to_bytes(4, "big"))
PY
    find "$1" -type f -print0 > "$1.list0"
}

measure() {
    local label="$1"; shift
    local start end rss
    start=$(date +%s.%N)
    /usr/bin/time -o "$work/rss" -f "%M" "$@" > /dev/null 2>&1 || true
    rss=$(tail -1 "$work/rss")
    end=$(date +%s.%N)
    printf '  %-56s %9.1f s %8d MiB\n' "$label" "$(echo "$end - $start" | bc)" "$((rss / 1024))"
    if [ -n "${after:-}" ]; then eval "$after"; fi
}
