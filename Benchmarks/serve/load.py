#!/usr/bin/env python3
"""A load generator for `ailabel serve` (standard library only): exactly REQUESTS POST /v1/verify
over CONNECTIONS keep-alive connections, the bodies taken in turn from the files listed in FILE_LIST.

    load.py URL TOKEN FILE_LIST REQUESTS CONNECTIONS

Prints one line:
    RESULT requests=N ok=N errors=N socket_errors=N seconds=S rate=R p50_ms=.. p99_ms=.. max_ms=.. client_cpu_s=.. statuses={...} verdicts={...}
where an error is any answer but 200 with a JSON record, and a socket error a connection that failed
(it is reopened and the request counted as failed, not retried). Latency is from the first byte sent to
the last byte of the answer read, per request.

Why not wrk: its Lua scripts cannot stop after an exact number of requests (a thread's `stop()` is not
reachable from `response()`), and a generator that counts every answer is what the issue's
"zero errors" needs. The client runs on the same cores as the server, so its own CPU time (user and
system, `client_cpu_s`) is printed: the run script sets it beside the server's.
"""
import asyncio
import json
import resource
import sys
import time
import urllib.parse


class Load:
    def __init__(self, url, token, bodies, requests):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.heads = []
        for body in bodies:
            head = (f"POST /v1/verify?filename=photo.jpg HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                    f"Authorization: Bearer {token}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(body)}\r\n\r\n").encode()
            self.heads.append(head)
        self.bodies = bodies
        self.remaining = requests
        self.next_body = 0
        self.latencies = []
        self.ok = 0
        self.errors = 0
        self.socket_errors = 0
        self.verdicts = {}
        self.statuses = {}

    def take(self):
        """The index of the next body, or None once every request has been handed out."""
        if self.remaining == 0:
            return None
        self.remaining -= 1
        index = self.next_body
        self.next_body = (self.next_body + 1) % len(self.bodies)
        return index

    async def read_response(self, reader):
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("closed before the status line")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = None, False, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = await reader.readexactly(length or 0)
        return status, body, close

    async def connection(self):
        reader = writer = None
        while True:
            index = self.take()
            if index is None:
                break
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
                started = time.perf_counter()
                writer.write(self.heads[index])
                writer.write(self.bodies[index])
                await writer.drain()
                status, body, close = await self.read_response(reader)
                self.latencies.append(time.perf_counter() - started)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                verdict = None
                if status == 200:
                    try:
                        verdict = json.loads(body).get("verdict")
                    except ValueError:
                        verdict = None
                if verdict is None:
                    self.errors += 1
                else:
                    self.ok += 1
                    self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1
                if close:
                    writer.close()
                    reader = writer = None
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                self.socket_errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    async def run(self, connections):
        await asyncio.gather(*(self.connection() for _ in range(connections)))


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values))) - 1))
    return sorted_values[rank]


def main():
    url, token, file_list, requests, connections = sys.argv[1:6]
    paths = [line.strip() for line in open(file_list) if line.strip()]
    bodies = [open(path, "rb").read() for path in paths]
    load = Load(url, token, bodies, int(requests))
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    asyncio.run(load.run(int(connections)))
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    latencies = sorted(load.latencies)
    answered = load.ok + load.errors + load.socket_errors
    print(f"RESULT requests={answered} ok={load.ok} errors={load.errors} socket_errors={load.socket_errors} "
          f"seconds={seconds:.3f} rate={load.ok / seconds:.1f} p50_ms={percentile(latencies, 0.50) * 1000:.1f} "
          f"p99_ms={percentile(latencies, 0.99) * 1000:.1f} max_ms={(latencies[-1] if latencies else 0) * 1000:.1f} "
          f"client_cpu_s={client_cpu:.2f} statuses={json.dumps(load.statuses, sort_keys=True).replace(' ', '')} verdicts={json.dumps(load.verdicts, sort_keys=True).replace(' ', '')}")


if __name__ == "__main__":
    main()
