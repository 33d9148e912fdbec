#!/usr/bin/env python3
"""64 concurrent uploads of one large file to POST /v1/verify; prints the statuses, the time, and the
server's peak resident memory during them: its VmHWM, reset before the uploads (writing 5 to
/proc/PID/clear_refs, so the verify load before does not count), and the largest VmRSS sampled every
20 ms as a cross-check (when the reset is not allowed, the sampled figure is the one to read).

    upload_memory.py URL TOKEN FILE PID [CONCURRENCY]
"""
import http.client
import os
import sys
import threading
import time
import urllib.parse

url, token, path, pid = sys.argv[1:5]
concurrency = int(sys.argv[5]) if len(sys.argv) > 5 else 64
parsed = urllib.parse.urlparse(url)
size = os.path.getsize(path)
statuses = {}
lock = threading.Lock()


def upload():
    try:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=600)
        with open(path, "rb") as body:
            conn.request("POST", "/v1/verify?filename=large.jpg", body=body,
                         headers={"Content-Type": "image/jpeg", "Authorization": f"Bearer {token}", "Content-Length": str(size)})
            response = conn.getresponse()
            response.read()
            key = response.status
        conn.close()
    except Exception as error:  # noqa: BLE001 - counted as what it is
        key = type(error).__name__
    with lock:
        statuses[key] = statuses.get(key, 0) + 1


def rss(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    return -1


def reset_peak():
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as control:
            control.write("5")
        return True
    except OSError:
        return False


sampled = [0]
sampling = threading.Event()


def sample():
    while not sampling.is_set():
        sampled[0] = max(sampled[0], rss("VmRSS:"))
        time.sleep(0.02)


before = rss("VmRSS:")
reset = reset_peak()
sampler = threading.Thread(target=sample)
sampler.start()
threads = [threading.Thread(target=upload) for _ in range(concurrency)]
start = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - start
sampling.set()
sampler.join()
statuses_text = ",".join(f"{key}:{count}" for key, count in sorted(statuses.items(), key=str))
print(f"RESULT uploads={concurrency} size_mb={size / 1e6:.1f} statuses={statuses_text} seconds={elapsed:.1f} "
      f"rss_before_mb={before} peak_rss_mb={rss('VmHWM:') if reset else -1} sampled_peak_rss_mb={sampled[0]}")
