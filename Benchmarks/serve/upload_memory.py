#!/usr/bin/env python3
"""64 concurrent uploads of one large file to POST /v1/verify; prints the statuses, the time, and the
server's peak resident memory (VmHWM of its process) after them.

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


before = rss("VmRSS:")
threads = [threading.Thread(target=upload) for _ in range(concurrency)]
start = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - start
print(f"RESULT uploads={concurrency} size_mb={size / 1e6:.1f} statuses={statuses} seconds={elapsed:.1f} "
      f"rss_before_mb={before} peak_rss_mb={rss('VmHWM:')}")
