#!/usr/bin/env python3
"""Is the audio watermark heard? An objective score, and the kit for a blind listening test.

    .venv/bin/python Benchmarks/audio-watermark/listening.py prepare KIT [--clips 12] [--trials 16] [--seed 3]
    .venv/bin/python Benchmarks/audio-watermark/listening.py score KIT ANSWERS

`prepare` makes clips the way run.py does (speech from espeak-ng in kk, ru, en and cmn; synthesised
music), marks each with `ailabel stamp --watermark` (release build), and writes:
  - the objective score: PESQ (ITU-T P.862.2, wideband, the `pesq` package) of each marked speech clip
    against its original, both at 16 kHz (MOS-LQO from 1 to 4.64, the top meaning no difference), beside
    the same clip through MP3 at 128 kbit/s and back as the peer (music has no such standard score; its
    segmental SNR is given);
  - the listening kit for an ABX test (ITU-R BS.1116's principle: the listener is told neither which is
    which nor what to listen for): for each clip a 10 s excerpt, `A.wav` (one of original and marked,
    at random) and `B.wav` (the other), and TRIALS files `X01.wav`... each A or B at random. The listener
    writes, for each clip, one line per trial: `clipNN XNN A` or `clipNN XNN B`.
  - `KIT/key.json`, which the person running the test keeps from the listener.

`score` reads the answers and says, per clip and in all, how many trials were right and the one-sided
binomial probability of doing that well by guessing. A clip whose listener is right in at least 12 of 16
trials (p < 0.04) is heard; the mark passes when no clip is (with 12 clips, at least 5 listeners).
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the clips, the WAV helpers and the segmental SNR of run.py)

EXCERPT_SECONDS = 10


def resample(samples, rate, target):
    """Mono float samples at `target` Hz through ffmpeg's resampler (soxr quality)."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        source, resampled = os.path.join(folder, "in.wav"), os.path.join(folder, "out.wav")
        bench.write_wav(source, samples, rate)
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", source, "-ar", str(target), "-ac", "1",
                        "-af", "aresample=resampler=soxr", "-c:a", "pcm_s16le", resampled], check=True)
        data, _ = bench.read_wav(resampled)
    return data[:, 0]


def pesq_score(original, marked, rate):
    from pesq import pesq
    reference, degraded = resample(original, rate, 16000), resample(marked, rate, 16000)
    count = min(len(reference), len(degraded))
    return pesq(16000, reference[:count], degraded[:count], "wb")


def mp3_round_trip(path, original, rate):
    """The clip through MP3 at 128 kbit/s and back, aligned to the original (the encoder's delay removed):
    the peer, a codec commonly taken as transparent for speech."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        coded = os.path.join(folder, "peer.mp3")
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", path, "-c:a", "libmp3lame", "-b:a", "128k", coded], check=True)
        decoded, _ = bench.read_wav(coded)
    decoded = decoded.mean(axis=1)
    head = original[: 2 * rate]
    delay = max(range(0, 4096), key=lambda k: float(np.dot(head, decoded[k:k + len(head)])) if k + len(head) <= len(decoded) else -1e30)
    return decoded[delay:]


def prepare(arguments):
    try:
        import pesq  # noqa: F401
    except ImportError:
        raise SystemExit("the objective score needs the pesq package: .venv/bin/pip install pesq")
    kit = arguments.kit
    clips = os.path.join(kit, "work", "clips")
    marked = os.path.join(kit, "work", "marked")
    kinds = bench.make_clips(clips, arguments.clips, arguments.seed, bench.Speech())
    labelled, _ = bench.stamp_watermarked(clips, marked)
    rng = random.Random(arguments.seed * 7919)
    key = {"trials": arguments.trials, "clips": {}}
    scores = []
    for index, name in enumerate(sorted(kinds)):
        if name not in labelled:
            print(f"{name}: not marked, left out", file=sys.stderr)
            continue
        original, rate = bench.read_wav(os.path.join(clips, name))
        stamped, _ = bench.read_wav(os.path.join(marked, name))
        count = min(len(original), len(stamped))
        original, stamped = original[:count], stamped[:count]
        kind = kinds[name]
        snr = bench.segmental_snr(original.mean(axis=1), stamped.mean(axis=1))
        mos = peer = None
        if kind.startswith("speech"):
            mono = original.mean(axis=1)
            mos = pesq_score(mono, stamped.mean(axis=1), rate)
            coded = mp3_round_trip(os.path.join(clips, name), mono, rate)
            length = min(len(mono), len(coded))
            peer = pesq_score(mono[:length], coded[:length], rate)
        scores.append((name, kind, snr, mos, peer))
        # A 10 s excerpt from the middle, the same samples in both versions.
        length = min(count, EXCERPT_SECONDS * rate)
        start = rng.randint(0, count - length)
        versions = {"original": original[start:start + length], "marked": stamped[start:start + length]}
        clip_id = f"clip{index + 1:02d}"
        folder = os.path.join(kit, clip_id)
        os.makedirs(folder, exist_ok=True)
        a_is = rng.choice(["original", "marked"])
        b_is = "marked" if a_is == "original" else "original"
        bench.write_wav(os.path.join(folder, "A.wav"), versions[a_is], rate)
        bench.write_wav(os.path.join(folder, "B.wav"), versions[b_is], rate)
        answers = {}
        for trial in range(1, arguments.trials + 1):
            letter = rng.choice(["A", "B"])
            bench.write_wav(os.path.join(folder, f"X{trial:02d}.wav"), versions[a_is if letter == "A" else b_is], rate)
            answers[f"X{trial:02d}"] = letter
        key["clips"][clip_id] = {"source": name, "kind": kind, "A": a_is, "B": b_is, "answers": answers}
    with open(os.path.join(kit, "key.json"), "w") as out:
        json.dump(key, out, indent=1)
    print("| clip | kind | segmental SNR of the mark | PESQ MOS-LQO (wideband): marked | peer: MP3 128 kbit/s |")
    print("|---|---|---|---|---|")
    for name, kind, snr, mos, peer in scores:
        print(f"| {name} | {kind} | {snr:.1f} dB | {'—' if mos is None else f'{mos:.2f}'} | {'—' if peer is None else f'{peer:.2f}'} |")
    speech = [(mos, peer) for _, _, _, mos, peer in scores if mos is not None]
    if speech:
        marks, peers = [m for m, _ in speech], [q for _, q in speech]
        print(f"\nPESQ over {len(speech)} speech clips: the mark mean {np.mean(marks):.2f}, min {np.min(marks):.2f}; "
              f"MP3 at 128 kbit/s mean {np.mean(peers):.2f}, min {np.min(peers):.2f} (4.64 is the scale's top: no difference)")
    print(f"kit in {kit}: {len(key['clips'])} clips × {arguments.trials} trials; keep key.json from the listener")


def binomial_tail(right, trials):
    """P(at least `right` of `trials` by guessing, p = 1/2)."""
    return sum(math.comb(trials, k) for k in range(right, trials + 1)) / 2 ** trials


def score(arguments):
    with open(os.path.join(arguments.kit, "key.json")) as source:
        key = json.load(source)
    given = {}
    with open(arguments.answers) as source:
        for line in source:
            parts = line.split()
            if len(parts) == 3 and parts[2].upper() in ("A", "B"):
                given[(parts[0], parts[1].upper())] = parts[2].upper()
    heard, total_right, total = 0, 0, 0
    print("| clip | kind | right | p (guessing) | heard |")
    print("|---|---|---|---|---|")
    for clip_id, clip in sorted(key["clips"].items()):
        right = sum(given.get((clip_id, trial)) == letter for trial, letter in clip["answers"].items())
        trials = len(clip["answers"])
        p = binomial_tail(right, trials)
        heard += p < 0.05
        total_right += right
        total += trials
        print(f"| {clip_id} | {clip['kind']} | {right}/{trials} | {p:.3f} | {'yes' if p < 0.05 else 'no'} |")
    print(f"\nin all {total_right}/{total} right (p {binomial_tail(total_right, total):.3g}); clips heard: {heard}")


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("prepare")
    make.add_argument("kit")
    make.add_argument("--clips", type=int, default=12)
    make.add_argument("--trials", type=int, default=16)
    make.add_argument("--seed", type=int, default=3)
    check = commands.add_parser("score")
    check.add_argument("kit")
    check.add_argument("answers")
    arguments = parser.parse_args()
    if arguments.command == "prepare":
        prepare(arguments)
    else:
        score(arguments)


if __name__ == "__main__":
    main()
