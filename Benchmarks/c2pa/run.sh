#!/usr/bin/env bash
# C2PA benchmark, one run, one 12 MP JPEG: ailabel sign vs the reference SDK sign (thumbnail off),
# ailabel validate vs the reference SDK validate, and SHA-256 of the file as the floor.
# Usage: Benchmarks/c2pa/run.sh [ITERATIONS]   (needs .venv from scripts/setup; builds the harness in release)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
n=${1:-21}
work=$root/Benchmarks/.work/c2pa
mkdir -p "$work"
python=$root/.venv/bin/python
[ -x "$python" ] || { echo "run scripts/setup first (.venv is missing)" >&2; exit 1; }

# Reuse the main build's package checkouts (no network needed when `swift build` has run once).
if [ ! -d "$work/build/checkouts" ] && [ -d .build/checkouts ]; then
    mkdir -p "$work/build"
    cp -a .build/repositories .build/checkouts "$work/build/" 2>/dev/null || true
fi
[ -f Benchmarks/c2pa/Harness/Package.resolved ] || cp Package.resolved Benchmarks/c2pa/Harness/Package.resolved 2>/dev/null || true
echo "building the ailabel harness (release)…" >&2
swift build -c release --package-path Benchmarks/c2pa/Harness --scratch-path "$work/build" >&2
bench=$(swift build -c release --package-path Benchmarks/c2pa/Harness --scratch-path "$work/build" --show-bin-path)/c2pa-bench

[ -f "$work/12mp.jpg" ] || "$python" Benchmarks/c2pa/bench.py make "$work/12mp.jpg"
if [ ! -f "$work/keys/signer.key" ]; then
    rm -rf "$work/keys"
    "$bench" keys "$work/keys"
fi
keys=$work/keys
size=$(stat -c %s "$work/12mp.jpg")

sha=$("$python" Benchmarks/c2pa/bench.py sha256 "$work/12mp.jpg" "$n")
sha_swift=$("$bench" sha256 "$work/12mp.jpg" "$n")
sha_cli=$( { /usr/bin/time -f %e sha256sum "$work/12mp.jpg" >/dev/null; } 2>&1 )
ail_sign=$("$bench" sign "$work/12mp.jpg" "$keys/signer.key" "$keys/signer-chain.pem" "$work/ailabel-signed.jpg" "$n")
ail_sign_handler=$("$bench" sign-handler "$work/12mp.jpg" "$keys/signer.key" "$keys/signer-chain.pem" "$work/ailabel-signed-handler.jpg" "$n")
sdk_sign=$("$python" Benchmarks/c2pa/bench.py sdk-sign "$work/12mp.jpg" "$keys/signer.key" "$keys/signer-chain.pem" "$work/sdk-signed.jpg" "$n")
ail_val=$("$bench" validate "$work/ailabel-signed.jpg" "$keys/trust-anchors.pem" "$n")
ail_val_file=$("$bench" validate-file "$work/ailabel-signed.jpg" "$keys/trust-anchors.pem" "$n")
sdk_val=$("$python" Benchmarks/c2pa/bench.py sdk-validate "$work/sdk-signed.jpg" "$keys/trust-anchors.pem" "$n")
sdk_val_ours=$("$python" Benchmarks/c2pa/bench.py sdk-validate "$work/ailabel-signed.jpg" "$keys/trust-anchors.pem" "$n")

ratio() { "$python" -c "print(f'{float($1)/float($2):.2f}')"; }
cat <<REPORT
C2PA benchmark: 12 MP JPEG, $size bytes, median of $n runs (ms), $(nproc) cores
  SHA-256 of the file (floor, Python/OpenSSL) $sha
  SHA-256 of the file (floor, swift-crypto)  $sha_swift
  sha256sum CLI (process, wall s)            $sha_cli
  ailabel sign (no thumbnail)                $ail_sign   ($(ratio "$sdk_sign" "$ail_sign")x faster than SDK)
  ailabel sign via AssetHandler (as stamp)   $ail_sign_handler   ($(ratio "$sdk_sign" "$ail_sign_handler")x faster than SDK)
  reference SDK sign (no thumbnail)          $sdk_sign
  ailabel validate (in memory)               $ail_val   ($(ratio "$ail_val" "$sha")x the OpenSSL floor, $(ratio "$ail_val" "$sha_swift")x swift-crypto's)
  ailabel validate (streamed from disk)      $ail_val_file   ($(ratio "$ail_val_file" "$sha")x the floor)
  reference SDK validate (its own file)      $sdk_val   ($(ratio "$sdk_val" "$sha")x the floor)
  reference SDK validate (ailabel's file)    $sdk_val_ours
REPORT

# Time-stamped PS256 (issue 15): the 12 MP JPEG signed with an RSA key (PS256) and a sigTst2 token from a
# local TSA (Fixtures/tsa/local_tsa.py, `openssl ts -reply` on 127.0.0.1, stopped right after), validated by
# ailabel and by the reference SDK with the signer's and the TSA's roots as anchors. Target: ailabel within
# 1.5x the SHA-256 floor.
[ -f "$work/ps256/signer.key" ] || bash Benchmarks/c2pa/ps256-pki.sh "$work/ps256" >/dev/null
rm -rf "$work/tsa"
python3 Fixtures/tsa/local_tsa.py "$work/tsa" > "$work/tsa.url" &
tsa_pid=$!
for _ in $(seq 100); do [ -s "$work/tsa.url" ] && break; sleep 0.1; done
alg=$("$bench" sign-tsa "$work/12mp.jpg" "$work/ps256/signer.key" "$work/ps256/signer-chain.pem" "$work/ps256-tsa.jpg" "$(head -1 "$work/tsa.url")")
kill "$tsa_pid"
cat "$work/ps256/trust-anchors.pem" "$work/tsa/tsa-root.pem" > "$work/ps256-tsa-anchors.pem"
ail_val_tsa=$("$bench" validate "$work/ps256-tsa.jpg" "$work/ps256-tsa-anchors.pem" "$n")
ail_val_tsa_file=$("$bench" validate-file "$work/ps256-tsa.jpg" "$work/ps256-tsa-anchors.pem" "$n")
sdk_val_tsa=$("$python" Benchmarks/c2pa/bench.py sdk-validate "$work/ps256-tsa.jpg" "$work/ps256-tsa-anchors.pem" "$n")
cat <<REPORT
Time-stamped $alg (RSA-2048, sigTst2 from a local TSA), same file, both Trusted:
  ailabel validate (in memory)               $ail_val_tsa   ($(ratio "$ail_val_tsa" "$sha")x the OpenSSL floor, $(ratio "$ail_val_tsa" "$sha_swift")x swift-crypto's)
  ailabel validate (streamed from disk)      $ail_val_tsa_file   ($(ratio "$ail_val_tsa_file" "$sha")x the floor)
  reference SDK validate                     $sdk_val_tsa   ($(ratio "$sdk_val_tsa" "$sha")x the floor)
REPORT

# Optional: LARGE_MB=1024 Benchmarks/c2pa/run.sh — a JPEG padded to LARGE_MB megabytes after EOI (the
# data hash covers it), signed, then validated from disk: peak memory stays far below the file size.
if [ "${LARGE_MB:-0}" -gt 0 ]; then
    large=$work/large.jpg
    cp "$work/12mp.jpg" "$large.unsigned"
    head -c $((LARGE_MB * 1024 * 1024)) /dev/zero >> "$large.unsigned"
    "$bench" sign "$large.unsigned" "$keys/signer.key" "$keys/signer-chain.pem" "$large" 1 >/dev/null
    rm -f "$large.unsigned"
    sha_large=$( { /usr/bin/time -f "%e s, peak RSS %M KB" sha256sum "$large" >/dev/null; } 2>&1 )
    val_large=$( { /usr/bin/time -f "%e s, peak RSS %M KB" "$bench" validate-file "$large" "$keys/trust-anchors.pem" 1 >/dev/null; } 2>&1 )
    echo "  ${LARGE_MB} MB file: sha256sum $sha_large; ailabel validate-file $val_large"
    rm -f "$large"
fi
