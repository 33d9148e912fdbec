#!/usr/bin/env python3
"""The audio watermark's robustness table (issue 18): ailabel's mark against the attacks the issue names.

Makes the clips itself (nothing shipped): speech with espeak-ng's library (through ctypes: kk, ru, en,
cmn sentences) and synthesised music (ffmpeg's aevalsrc: chords with vibrato, a bass line, noise
percussion), 10-60 s each; stamps each with `ailabel stamp --watermark` (release build); attacks each
copy with the ffmpeg executable (MP3 and AAC at 128 kbit/s, 16 kHz and back, +6 and -6 dB, one random
5 s segment, and ten 5 s segments at evenly spread starts of every clip) and numpy (white noise at 20 dB
SNR); asks `ailabel verify --scan full` for the label ID
of each, and WatermarkProbe (the same reader) for the bit accuracy of the payload (the best candidate's
64 bits, CRC or not) and of the coded bits before error correction. Unmarked clips (the 30, and 70 more made the same way) measure false alarms. The mark's
segmental SNR (20 ms frames, each clamped to -10...35 dB, silent frames skipped) is computed against
the unmarked clip.

    .venv/bin/python Benchmarks/audio-watermark/run.py [--clips 30] [--clean 100] [--seed 1] [--work DIR]
"""
import argparse
import ctypes
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AILABEL = os.environ.get("AILABEL") or os.path.join(ROOT, ".build", "release", "ailabel")
PROBE = os.environ.get("WATERMARK_PROBE") or os.path.join(ROOT, ".build", "release", "WatermarkProbe")

SENTENCES = {
    "en": ["The committee will meet again on Thursday to review the budget for the coming year.",
           "Rain is expected across the north of the country, with lighter winds by the evening.",
           "She opened the window, listened to the traffic, and decided to walk to the station instead.",
           "Researchers measured the temperature of the lake every hour for three consecutive summers."],
    "ru": ["Завтра в городе ожидается переменная облачность и небольшой снег.",
           "Поезд отправляется с третьего пути через пятнадцать минут.",
           "Библиотека работает ежедневно с девяти утра до восьми вечера."],
    "kk": ["Ертең қалада бұлтты ауа райы күтіледі.",
           "Пойыз үшінші жолдан он бес минуттан кейін жүреді.",
           "Кітапхана күн сайын таңғы тоғыздан кешкі сегізге дейін жұмыс істейді."],
    "cmn": ["明天城市将有多云天气和小雪。", "列车将在十五分钟后从三号站台出发。", "图书馆每天早上九点到晚上八点开放。"],
}


class Speech:
    """espeak-ng's library through ctypes: mono 16-bit at 22,050 Hz."""

    CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

    def __init__(self):
        self.lib = ctypes.CDLL("libespeak-ng.so.1")
        self.rate = self.lib.espeak_Initialize(2, 0, None, 0x8000)  # AUDIO_OUTPUT_SYNCHRONOUS, DONT_EXIT
        if self.rate <= 0:
            raise SystemExit("espeak-ng cannot start")
        self.chunks = []
        self.callback = self.CALLBACK(self._collect)
        self.lib.espeak_SetSynthCallback(self.callback)

    def _collect(self, wav, count, events):
        if count > 0 and wav:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def say(self, text, voice, rate_wpm):
        self.lib.espeak_SetVoiceByName(voice.encode())
        self.lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
        self.chunks = []
        data = text.encode()
        self.lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, 1, None, None)  # espeakCHARS_UTF8
        self.lib.espeak_Synchronize()
        return np.concatenate(self.chunks).astype(np.float32) / 32768 if self.chunks else np.zeros(0, np.float32)


def write_wav(path, samples, rate):
    samples = np.clip(samples, -1, 1)
    pcm = (samples * 32767).astype("<i2")
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    with wave.open(path, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def read_wav(path):
    """PCM WAV to float (frames, channels) and rate; ffmpeg converts anything else first."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", path, "-map", "0:a", "-c:a", "pcm_s16le", tmp.name], check=True)
        with wave.open(tmp.name, "rb") as source:
            rate, channels = source.getframerate(), source.getnchannels()
            data = np.frombuffer(source.readframes(source.getnframes()), "<i2").astype(np.float32) / 32768
    return data.reshape(-1, channels), rate


def speech_clip(speech, rng, seconds):
    language = rng.choice(list(SENTENCES))
    voice = {"en": rng.choice(["en", "en-us", "en-gb-scotland"]), "ru": "ru", "kk": "kk", "cmn": "cmn"}[language]
    parts, total = [], 0.0
    while total < seconds:
        spoken = speech.say(rng.choice(SENTENCES[language]), voice, rng.randint(140, 190))
        pause = np.zeros(int(speech.rate * rng.uniform(0.2, 0.8)), np.float32)
        parts += [spoken, pause]
        total += (len(spoken) + len(pause)) / speech.rate
    audio = np.concatenate(parts)[: int(seconds * speech.rate)]
    # Voiced speech at broadcast level, on a faint room tone.
    audio = audio / max(1e-6, np.abs(audio).max()) * 0.7 + np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 0.0005, len(audio)).astype(np.float32)
    return audio, speech.rate, f"speech-{language}"


def music_clip(rng, seconds, path):
    root = rng.choice([110, 130.8, 146.8, 164.8, 196, 220])
    tempo = rng.uniform(1.5, 3)
    chord = [root * r for r in rng.choice([(1, 1.26, 1.5, 2), (1, 1.19, 1.5, 1.78), (1, 1.335, 1.68, 2.52)])]
    voices = "+".join(f"{rng.uniform(0.08, 0.16):.3f}*sin(2*PI*{f:.2f}*t+{rng.uniform(0.5, 3):.2f}*sin(2*PI*{rng.uniform(3, 6):.2f}*t))" for f in chord)
    bass = f"0.2*sin(2*PI*{root / 2:.2f}*(1+0.5*gte(mod(t*{tempo / 4:.3f},1),0.5))*t)"
    drums = f"{rng.uniform(0.05, 0.15):.3f}*(random(0)-0.5)*exp(-30*mod(t*{tempo:.3f},1))"
    harmonics = f"0.05*sin(2*PI*{chord[2] * 4:.2f}*t)*(0.5+0.5*sin(2*PI*{rng.uniform(0.2, 1):.2f}*t))"
    rate = rng.choice([44100, 48000])
    channels = rng.choice([1, 2])
    expression = f"({voices})*(0.7+0.3*sin(2*PI*{tempo / 8:.3f}*t))+{bass}+{drums}+{harmonics}"
    # Commas inside the expression would end the filter in ffmpeg's filtergraph syntax: escaped.
    expression = expression.replace(",", "\\,")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", f"aevalsrc={expression}:s={rate}:d={seconds:.2f}",
                    "-ac", str(channels), "-c:a", "pcm_s16le", path], check=True)
    return "music"


def make_clips(folder, count, seed, speech):
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    kinds = {}
    for index in range(count):
        seconds = rng.uniform(10, 60)
        path = os.path.join(folder, f"clip{index:03d}.wav")
        if index % 2 == 0:
            audio, rate, kind = speech_clip(speech, rng, seconds)
            write_wav(path, audio, rate)
        else:
            kind = music_clip(rng, seconds, path)
        kinds[os.path.basename(path)] = kind
    return kinds


def ffmpeg(source, target, *arguments):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", source, *arguments, target], check=True)


SPREAD_CUTS = 10


def attack(name, source, folder, rng):
    """The attacked copies of `source` in `folder`, as WAVs (float for gains, so +6 dB does not clip): one,
    or for `cut-5s-spread` one per start, `clipNNN~K.wav`."""
    base = os.path.splitext(os.path.basename(source))[0]
    target = os.path.join(folder, base + ".wav")
    if name == "cut-5s-spread":
        # "Any 5-second segment": ten cuts at evenly spread starts, first to last, not one random one.
        audio, rate = read_wav(source)
        targets = []
        for index in range(SPREAD_CUTS):
            start = (len(audio) / rate - 5) * (index + 0.5) / SPREAD_CUTS
            targets.append(os.path.join(folder, f"{base}~{index}.wav"))
            ffmpeg(source, targets[-1], "-map", "0:a", "-ss", f"{start:.3f}", "-t", "5", "-c:a", "pcm_s16le")
        return targets
    with tempfile.TemporaryDirectory() as tmp:
        if name == "mp3-128k":
            ffmpeg(source, os.path.join(tmp, "a.mp3"), "-map", "0:a", "-c:a", "libmp3lame", "-b:a", "128k")
            ffmpeg(os.path.join(tmp, "a.mp3"), target, "-c:a", "pcm_s16le")
        elif name == "aac-128k":
            ffmpeg(source, os.path.join(tmp, "a.m4a"), "-map", "0:a", "-c:a", "aac", "-b:a", "128k")
            ffmpeg(os.path.join(tmp, "a.m4a"), target, "-c:a", "pcm_s16le")
        elif name == "resample-16k":
            rate = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", source], capture_output=True, check=True).stdout)["streams"][0]["sample_rate"]
            ffmpeg(source, os.path.join(tmp, "a.wav"), "-map", "0:a", "-ar", "16000", "-c:a", "pcm_s16le")
            ffmpeg(os.path.join(tmp, "a.wav"), target, "-ar", rate, "-c:a", "pcm_s16le")
        elif name in ("gain+6dB", "gain-6dB"):
            ffmpeg(source, target, "-map", "0:a", "-af", "volume=" + name[4:], "-c:a", "pcm_f32le")
        elif name == "cut-5s":
            audio, rate = read_wav(source)
            start = rng.uniform(0, len(audio) / rate - 5)
            ffmpeg(source, target, "-map", "0:a", "-ss", f"{start:.3f}", "-t", "5", "-c:a", "pcm_s16le")
        elif name == "noise-20dB":
            audio, rate = read_wav(source)
            power = float(np.mean(audio ** 2))
            noise = np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, np.sqrt(power / 100), audio.shape).astype(np.float32)
            write_wav(target, audio + noise, rate)
        elif name == "none":
            ffmpeg(source, target, "-map", "0:a", "-c:a", "pcm_s16le")
        else:
            raise ValueError(name)
    return [target]


def verify_folder(folder):
    """Label ID found per file name (None when no ailabel watermark)."""
    run = subprocess.run([AILABEL, "verify", folder, "--scan", "full", "--format", "jsonl"], capture_output=True, text=True)
    found = {}
    for line in run.stdout.splitlines():
        try:
            report = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "path" not in report:
            continue
        label = None
        for evidence in report.get("aiEvidence", []):
            if evidence.get("source") == "watermark:ailabel":
                label = evidence["detail"].rsplit(" ", 1)[-1]
        found[os.path.basename(report["path"])] = label
    return found


class Probe:
    """The mark's reader over each attacked clip (WatermarkProbe, release build): the best candidate's payload
    and coded bits even when its CRC failed, which `verify` does not report."""

    def __init__(self):
        self.process = subprocess.Popen([PROBE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def read(self, payload_hex, path):
        self.process.stdin.write(f"audio {payload_hex} {path}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())


def segmental_snr(original, marked):
    frame = 0
    n = min(len(original), len(marked))
    original, marked = original[:n], marked[:n]
    frame = max(1, int(0.02 * 44100))
    values = []
    for start in range(0, n - frame, frame):
        signal = float(np.sum(original[start:start + frame] ** 2))
        if signal < 1e-6:
            continue
        noise = float(np.sum((marked[start:start + frame] - original[start:start + frame]) ** 2))
        values.append(min(35.0, max(-10.0, 10 * np.log10(signal / max(noise, 1e-20)))))
    return float(np.mean(values)) if values else float("nan")


def stamp_watermarked(clips, marked):
    """`ailabel stamp --watermark` over the folder: the label ID of each clip marked, and those not marked."""
    stamp = subprocess.run([AILABEL, "stamp", clips, "--out", marked, "--watermark", "--json", "--jobs", "2"], capture_output=True, text=True)
    labels, failures = {}, []
    for line in stamp.stdout.splitlines():
        try:
            result = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "watermark" in result.get("layers", []):
            labels[os.path.basename(result["path"])] = result["labelID"]
        elif result.get("path"):
            failures.append((os.path.basename(result["path"]), result.get("warnings"), result.get("error")))
    return labels, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=30)
    parser.add_argument("--clean", type=int, default=100)
    parser.add_argument("--work", default=None)
    parser.add_argument("--seed", type=int, default=1, help="the marked clips' seed (the clean clips use seed + 1)")
    arguments = parser.parse_args()
    if not os.access(AILABEL, os.X_OK):
        raise SystemExit("build the release ailabel first: swift build -c release --product ailabel")
    if not os.access(PROBE, os.X_OK):
        raise SystemExit("build the release probe first: swift build -c release --product WatermarkProbe")
    probe = Probe()
    work = arguments.work or tempfile.mkdtemp(prefix="ailabel-audio-watermark-")
    speech = Speech()
    started = time.time()
    clips = os.path.join(work, "clips")
    kinds = make_clips(clips, arguments.clips, arguments.seed, speech)
    marked = os.path.join(work, "marked")
    labels, failures = stamp_watermarked(clips, marked)
    print(f"clips: {len(kinds)} ({sum(k.startswith('speech') for k in kinds.values())} speech, {sum(k == 'music' for k in kinds.values())} music), "
          f"marked {len(labels)}; not marked: {failures}")

    snrs = {"speech": [], "music": []}
    for name in labels:
        original, _ = read_wav(os.path.join(clips, name))
        stamped, _ = read_wav(os.path.join(marked, name))
        snrs["music" if kinds[name] == "music" else "speech"].append(segmental_snr(original.mean(axis=1), stamped.mean(axis=1)))

    rng = random.Random(7)
    attacks = ["none", "mp3-128k", "aac-128k", "resample-16k", "gain+6dB", "gain-6dB", "cut-5s", "cut-5s-spread", "noise-20dB"]
    rows = []
    for name in attacks:
        folder = os.path.join(work, "attacked", name)
        os.makedirs(folder, exist_ok=True)
        # Each attacked file and the marked clip it came from.
        attacked = {}
        for clip in labels:
            for target in attack(name, os.path.join(marked, clip), folder, rng):
                attacked[os.path.basename(target)] = clip
        found = verify_folder(folder)
        by_kind = {"speech": [0, 0], "music": [0, 0]}
        wrong = 0
        for file, clip in attacked.items():
            label = labels[clip]
            got = found.get(file)
            kind = "music" if kinds[clip] == "music" else "speech"
            by_kind[kind][1] += 1
            if got == label:
                by_kind[kind][0] += 1
            elif got is not None:
                wrong += 1
        detected = by_kind["speech"][0] + by_kind["music"][0]
        # Bit accuracy of the payload (the best candidate's 64 bits, CRC or not; 50 % when nothing synchronised)
        # and of the coded bits before error correction (188 a period, summed over the clip's periods).
        payload_bits, coded_bits, disagree = [], [], 0
        for file, clip in attacked.items():
            label = labels[clip]
            reading = probe.read(label, os.path.join(folder, file))
            if "error" in reading:
                payload_bits.append(0.5)
                coded_bits.append(0.0)
                continue
            guess = int(reading["guess"], 16) if reading["guess"] else None
            payload_bits.append(0.5 if guess is None else 1 - bin(guess ^ int(label, 16)).count("1") / 64)
            coded_bits.append(1 - reading["codedBitErrors"] / reading["codedBits"])
            disagree += (reading["found"] and reading["payload"] == label) != (found.get(file) == label)
        rows.append((name, detected, len(attacked), by_kind, wrong, float(np.mean(payload_bits)), float(np.mean(coded_bits)), disagree))

    clean = os.path.join(work, "clean")
    make_clips(clean, arguments.clean, arguments.seed + 1, speech)
    found = verify_folder(clean)
    false_alarms = sum(1 for value in found.values() if value is not None)

    print()
    print("| attack | detected (label ID exact) | speech | music | wrong ID | payload bit accuracy | coded-bit accuracy |")
    print("|---|---|---|---|---|---|---|")
    for name, detected, total, by_kind, wrong, payload_accuracy, coded_accuracy, disagree in rows:
        print(f"| {name} | {detected}/{total} ({100 * detected / max(total, 1):.1f} %) | {by_kind['speech'][0]}/{by_kind['speech'][1]} | "
              f"{by_kind['music'][0]}/{by_kind['music'][1]} | {wrong} | {100 * payload_accuracy:.1f} % | {100 * coded_accuracy:.1f} % |")
        if disagree:
            print(f"  (the probe and `verify` disagreed on {disagree} clips of {name})")
    print()
    print(f"false alarms on {len(found)} unmarked clips: {false_alarms}")
    for kind, values in snrs.items():
        if values:
            print(f"segmental SNR of the mark, {kind}: mean {np.mean(values):.1f} dB, min {np.min(values):.1f} dB ({len(values)} clips)")
    print(f"({time.time() - started:.0f} s; work folder {work})")


if __name__ == "__main__":
    main()
