#!/usr/bin/env python3
"""The client side of the `ailabel serve` tests (ServeTests.swift starts and stops the server).

    serve_client.py CASE BASE_URL [ARGS...]

Each case checks what it says and exits 0, or prints what went wrong and exits 1. Stdlib only, plus the
reference SDK (c2pa-python, through Fixtures/c2pa/referee.py) for the round trip.
"""
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message, file=sys.stderr)


def connect(base, timeout=30):
    url = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)


def request(base, method, path, body=None, headers=None, timeout=30, chunked=False):
    conn = connect(base, timeout)
    try:
        if chunked:
            # Sent in 64 KB chunks with Transfer-Encoding: chunked, so no length is declared.
            pieces = (body[i:i + 65536] for i in range(0, len(body), 65536))
            conn.request(method, path, body=pieces, headers=headers or {}, encode_chunked=True)
        else:
            conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def raw_socket(base, timeout=30):
    url = urllib.parse.urlparse(base)
    return socket.create_connection((url.hostname, url.port), timeout=timeout)


def read_status(sock):
    """The status of the response on sock, or None when the server closed without one."""
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout, BrokenPipeError):
        pass
    if not data.startswith(b"HTTP/1.1 "):
        return None
    return int(data[9:12])


def metric(text, series):
    """The value of one series in Prometheus's text format, or -1 when it is absent."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return -1


def multipart(fields, boundary="ailabel-test-boundary"):
    parts = []
    for name, (filename, content_type, content) in fields.items():
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        parts.append(header.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def case_roundtrip(base, token, root, jpeg, pdf, out, pid):
    auth = {"Authorization": f"Bearer {token}"}
    original = open(jpeg, "rb").read()
    status, headers, body = request(base, "POST", "/v1/stamp?profile=kz&time=2026-01-18T09:00:00Z&producer=Example%20LLP",
                                    original, {**auth, "Content-Type": "image/jpeg"})
    check(status == 200, f"stamp: status {status}: {body[:300]!r}")
    check(headers.get("ailabel-status") == "stamped", f"stamp: AILabel-Status {headers.get('ailabel-status')}")
    check("c2pa" in headers.get("ailabel-layers", ""), f"stamp: layers {headers.get('ailabel-layers')}")
    check(headers.get("content-type") == "image/jpeg", f"stamp: content type {headers.get('content-type')}")
    stamped = os.path.join(out, "stamped.jpg")
    open(stamped, "wb").write(body)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Fixtures", "c2pa"))
    import referee
    verdict = referee.read(stamped, [root])
    check(verdict["state"] == "Trusted", f"the SDK reads the served stamp as {verdict}")

    status, headers, body = request(base, "POST", "/v1/verify?filename=stamped.jpg", open(stamped, "rb").read(), {**auth, "Content-Type": "image/jpeg"})
    check(status == 200 and headers.get("content-type") == "application/json", f"verify: {status} {headers}")
    record = json.loads(body)
    open(os.path.join(out, "verify.json"), "wb").write(body)
    check(record.get("verdict") == "compliant", f"verify: {record.get('verdict')}")
    check((record.get("c2pa") or {}).get("state") == "Trusted", f"verify: c2pa {record.get('c2pa')}")
    check(record.get("path") == "stamped.jpg", f"verify: path {record.get('path')}")
    # A body that declares its length is read into memory; a chunked one goes to a spool file: same record.
    status, _, chunked_body = request(base, "POST", "/v1/verify?filename=stamped.jpg", open(stamped, "rb").read(),
                                      {**auth, "Content-Type": "image/jpeg"}, chunked=True)
    check(status == 200 and json.loads(chunked_body) == record, f"a chunked upload's record differs: {status} {chunked_body[:300]!r}")

    form, content_type = multipart({"file": ("photo.jpg", "image/jpeg", open(stamped, "rb").read())})
    status, _, body = request(base, "POST", "/v1/verify", form, {**auth, "Content-Type": content_type})
    check(status == 200 and json.loads(body).get("verdict") == "compliant", f"multipart verify: {status} {body[:300]!r}")
    check(status != 200 or json.loads(body).get("path") == "photo.jpg", f"multipart verify names the part's file: {body[:200]!r}")

    # Stamp as a multipart form: the part's file, its name from the part; the same label as the raw body's.
    form, content_type = multipart({"file": ("upload-photo.jpg", "image/jpeg", original)})
    status, headers, form_stamped = request(base, "POST", "/v1/stamp?profile=kz&time=2026-01-18T09:00:00Z&producer=Example%20LLP",
                                            form, {**auth, "Content-Type": content_type})
    check(status == 200 and headers.get("content-type") == "image/jpeg" and headers.get("ailabel-status") == "stamped",
          f"multipart stamp: {status} {headers} {form_stamped[:200]!r}")
    check(form_stamped[:2] == b"\xff\xd8" and form_stamped != original, "multipart stamp returns a stamped JPEG")
    form_path = os.path.join(out, "form-stamped.jpg")
    open(form_path, "wb").write(form_stamped)
    check(referee.read(form_path, [root])["state"] == "Trusted", "the SDK reads the multipart stamp as Trusted")

    status, _, body = request(base, "POST", "/v1/inspect", open(stamped, "rb").read(), {**auth, "Content-Type": "image/jpeg"})
    check(status == 200 and json.loads(body).get("format") == "jpeg", f"inspect: {status} {body[:300]!r}")

    # A kind without embedding: the XMP sidecar, or the signed C2PA sidecar; verified with the sidecars sent.
    document = open(pdf, "rb").read()
    status, headers, xmp = request(base, "POST", "/v1/stamp?filename=report.pdf", document, {**auth, "Content-Type": "application/pdf"})
    check(status == 200 and headers.get("content-type") == "application/rdf+xml" and b"AIGC" in xmp, f"pdf stamp: {status} {headers}")
    status, headers, c2pa = request(base, "POST", "/v1/stamp?filename=report.pdf&sidecar=c2pa", document, {**auth, "Content-Type": "application/pdf"})
    check(status == 200 and headers.get("content-type") == "application/c2pa", f"pdf c2pa sidecar: {status} {headers}")
    form, content_type = multipart({"file": ("report.pdf", "application/pdf", document), "xmp": ("report.pdf.xmp", "application/rdf+xml", xmp),
                                    "c2pa": ("report.pdf.c2pa", "application/c2pa", c2pa)})
    status, _, body = request(base, "POST", "/v1/verify", form, {**auth, "Content-Type": content_type})
    check(status == 200 and json.loads(body).get("verdict") == "compliant", f"pdf verify with sidecars: {status} {body[:400]!r}")

    # A web page is judged by its markup, as on disk; the images it shows did not come with it.
    web = os.path.join(os.path.dirname(pdf), "..", "web")
    status, _, body = request(base, "POST", "/v1/verify?profile=kz&filename=compliant.html", open(os.path.join(web, "compliant.html"), "rb").read(),
                              {**auth, "Content-Type": "text/html"})
    check(status == 200 and json.loads(body).get("verdict") == "compliant" and json.loads(body).get("format") == "html", f"page verify: {status} {body[:400]!r}")
    status, _, body = request(base, "POST", "/v1/verify?profile=kz", open(os.path.join(web, "images-ai.html"), "rb").read(),
                              {**auth, "Content-Type": "text/html"})
    codes = [finding["code"] for finding in json.loads(body).get("findings", [])] if status == 200 else []
    check(status == 200 and codes.count("html.image-not-read") == 2 and "html.image-remote" in codes, f"page images not read: {status} {body[:600]!r}")

    status, _, body = request(base, "GET", "/healthz")
    check(status == 200 and json.loads(body) == {"status": "ok"}, f"healthz: {status} {body!r}")
    status, _, body = request(base, "GET", "/readyz")
    check(status == 200, f"readyz: {status}")
    status, _, body = request(base, "GET", "/openapi.json")
    check(status == 200 and json.loads(body).get("openapi", "").startswith("3.1"), f"openapi.json: {status}")
    status, headers, body = request(base, "GET", "/metrics")
    text = body.decode()
    check(status == 200 and 'ailabel_http_requests_total{route="stamp",status="200"}' in text, f"metrics: {text[:500]}")
    check('ailabel_verdicts_total{verdict="compliant"}' in text and "ailabel_http_request_duration_seconds_bucket" in text, "metrics: verdicts and latency")
    check(metric(text, 'ailabel_http_request_body_bytes_count{route="stamp"}') >= 1
          and metric(text, 'ailabel_http_request_body_bytes_sum{route="stamp"}') >= len(original), f"metrics: request bytes: {text[:2000]}")
    check(metric(text, 'ailabel_http_response_body_bytes_total{route="stamp"}') >= len(original), "metrics: response bytes")

    # Graceful shutdown: a request in flight when SIGTERM arrives is finished, then the server exits.
    sock = raw_socket(base)
    data = open(stamped, "rb").read()
    head = (f"POST /v1/verify HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\nContent-Type: image/jpeg\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode()
    sock.sendall(head + data[: len(data) // 2])
    time.sleep(0.5)
    os.kill(int(pid), signal.SIGTERM)
    time.sleep(0.5)
    sock.sendall(data[len(data) // 2:])
    check(read_status(sock) == 200, "a request in flight at SIGTERM is answered 200")
    sock.close()


def case_auth(base, token, jpeg, phase):
    data = open(jpeg, "rb").read()
    if phase == "before":
        status, headers, body = request(base, "POST", "/v1/stamp", data, {"Content-Type": "image/jpeg"})
        check(status == 401 and headers.get("www-authenticate") == "Bearer", f"stamp without a token: {status}")
        check(json.loads(body)["error"]["code"] == "auth.missing-token", f"401 code: {body!r}")
        status, _, body = request(base, "POST", "/v1/stamp", data, {"Content-Type": "image/jpeg", "Authorization": "Bearer wrong"})
        check(status == 401 and json.loads(body)["error"]["code"] == "auth.unknown-token", f"stamp with a wrong token: {status} {body!r}")
        status, _, _ = request(base, "POST", "/v1/verify", data, {"Content-Type": "image/jpeg"})
        check(status == 401, f"verify without a token when anonymous reads are off: {status}")
        status, _, _ = request(base, "POST", "/v1/stamp", data, {"Content-Type": "image/jpeg", "Authorization": f"Bearer {token}"})
        check(status == 200, f"stamp with the token: {status}")
        # The scheme in any case, spaces and tabs around the token; the scheme glued to the token is refused.
        status, _, _ = request(base, "POST", "/v1/verify", data, {"Content-Type": "image/jpeg", "Authorization": f"bEaReR \t {token}\t "})
        check(status == 200, f"verify with 'bEaReR', spaces and tabs around the token: {status}")
        status, _, body = request(base, "POST", "/v1/verify", data, {"Content-Type": "image/jpeg", "Authorization": f"Bearer{token}"})
        check(status == 401 and json.loads(body)["error"]["code"] == "auth.missing-token", f"'Bearer' glued to the token: {status} {body!r}")
    elif phase == "after":
        # The token file was rewritten and SIGHUP sent: the old token is gone, the new one works.
        status, _, _ = request(base, "POST", "/v1/stamp", data, {"Content-Type": "image/jpeg", "Authorization": "Bearer first-token"})
        check(status == 401, f"the old token after SIGHUP: {status}")
        status, _, _ = request(base, "POST", "/v1/stamp", data, {"Content-Type": "image/jpeg", "Authorization": f"Bearer {token}"})
        check(status == 200, f"the new token after SIGHUP: {status}")
    elif phase == "anonymous":
        status, _, _ = request(base, "POST", "/v1/verify", data, {"Content-Type": "image/jpeg"})
        check(status == 200, f"anonymous verify when allowed: {status}")
        status, _, _ = request(base, "POST", "/v1/inspect", data, {"Content-Type": "image/jpeg"})
        check(status == 200, f"anonymous inspect when allowed: {status}")
        status, _, _ = request(base, "POST", "/v1/stamp", data, {"Content-Type": "image/jpeg"})
        check(status == 401, f"anonymous stamp is never allowed: {status}")


def case_limits(base, token, jpeg):
    """Server: --max-body-mb 1 --max-concurrency 2 --request-timeout 3. Verify reads metadata only
    (?scan=metadata) where the answer must come in time: a debug build's pixel detectors can take longer."""
    auth = {"Authorization": f"Bearer {token}"}
    data = open(jpeg, "rb").read()
    big = b"\xff" * (2 << 20)
    started = time.monotonic()
    try:
        status, _, body = request(base, "POST", "/v1/verify", big, {**auth, "Content-Type": "image/jpeg"})
        check(status == 413 and json.loads(body)["error"]["code"] == "input.too-large", f"2 MB body over a 1 MB limit: {status}")
        answered_413 = status == 413
    except (ConnectionResetError, BrokenPipeError):
        answered_413 = False  # the server may close before the client has sent the whole body
    check(time.monotonic() - started < 2.5, "413 comes before the body is read")
    # Chunked, no length: refused once it passes the limit.
    sock = raw_socket(base)
    sock.sendall(f"POST /v1/verify HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
    try:
        for _ in range(40):
            sock.sendall(b"10000\r\n" + b"\0" * 0x10000 + b"\r\n")
    except (ConnectionResetError, BrokenPipeError):
        pass
    status = read_status(sock)
    check(status in (413, None), f"a chunked body over the limit: {status}")
    sock.close()

    status, _, body = request(base, "POST", "/v1/verify", data, {**auth, "Content-Type": "text/x-nonsense"})
    check(status == 415 and json.loads(body)["error"]["code"] == "input.unsupported-media", f"unknown media type: {status}")
    status, _, body = request(base, "POST", "/v1/stamp", b"plain text, no image", {**auth, "Content-Type": "image/jpeg"})
    check(status == 422, f"stamping bytes that are no JPEG: {status} {body[:200]!r}")
    status, _, body = request(base, "POST", "/v1/stamp", b"plain text, no image", {**auth, "Content-Type": "application/octet-stream"})
    check(status == 415, f"stamping bytes of no kind: {status} {body[:200]!r}")
    for query, what in (("profile=zz", "an unknown profile"), ("frobnicate=1", "an unknown option"), ("time=yesterday", "a bad time"),
                        ("deepfake=maybe", "a bad boolean"), ("lang=xx", "a language without a text"),
                        # Keys, chains, trust and configuration come from the server's configuration only.
                        ("sign_key=/etc/passwd", "a signing key named by the request"), ("sign-key=/etc/passwd", "a signing key, CLI spelling"),
                        ("sign_chain=/etc/hosts", "a chain named by the request"), ("trust=/etc/ssl/certs/ca-certificates.crt", "trust anchors"),
                        ("no_default_trust=1", "dropping the trust lists"), ("config=/etc/passwd", "a configuration file"),
                        ("watermark_key=abc", "a watermark key"), ("font=/etc/passwd", "a font file")):
        status, _, body = request(base, "POST", f"/v1/stamp?{query}", data, {**auth, "Content-Type": "image/jpeg"})
        check(status == 422 and json.loads(body)["error"]["code"] == "options.invalid", f"{what}: {status} {body[:200]!r}")
        check(b"root:" not in body and b"localhost" not in body, f"{what}: the refusal quotes no file: {body[:200]!r}")
    status, _, body = request(base, "POST", "/v1/verify?trust=/tmp/anchors.pem", data, {**auth, "Content-Type": "image/jpeg"})
    check(status == 422 and json.loads(body)["error"]["code"] == "options.invalid", f"verify with trust anchors in the request: {status}")

    # Two slow uploads hold both slots: a third request is answered 503 with Retry-After at once.
    holders = []
    for _ in range(2):
        sock = raw_socket(base)
        sock.sendall(f"POST /v1/verify HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\nabc".encode())
        holders.append(sock)
    time.sleep(0.3)
    status, headers, body = request(base, "POST", "/v1/verify?scan=metadata", data, {**auth, "Content-Type": "image/jpeg"})
    check(status == 503 and headers.get("retry-after") == "1", f"a third request while two hold the slots: {status} {headers}")
    # The held requests run out of time (3 s): answered 503 request.timeout or closed, and the slots are free again.
    started = time.monotonic()
    for sock in holders:
        sock.settimeout(10)
        status = read_status(sock)
        check(status in (503, None), f"a stalled upload at the request timeout: {status}")
        sock.close()
    check(time.monotonic() - started < 8, "stalled uploads end on time")
    status, _, _ = request(base, "POST", "/v1/verify?scan=metadata", data, {**auth, "Content-Type": "image/jpeg"})
    check(status == 200, f"slots free after the timeout: {status}")

    # Every refusal above is counted by its stable code.
    status, _, body = request(base, "GET", "/metrics")
    text = body.decode()
    for code in ("input.unsupported-media", "options.invalid", "request.busy", "input.unreadable"):
        check(metric(text, f'ailabel_errors_total{{code="{code}"}}') >= 1, f"metrics: errors with code {code}: {text[:3000]}")
    if answered_413:  # a 413 the client saw was counted, by code and by route and status
        check(metric(text, 'ailabel_errors_total{code="input.too-large"}') >= 1, "metrics: errors with code input.too-large")
        check(metric(text, 'ailabel_http_requests_total{route="verify",status="413"}') >= 1, "metrics: the 413s by route and status")


def case_hostile(base, token, jpeg):
    """Server: --request-timeout 3 (so headers get 3 s)."""
    auth = {"Authorization": f"Bearer {token}"}
    data = open(jpeg, "rb").read()

    # Slow-loris: headers a byte at a time, never finished.
    sock = raw_socket(base)
    sock.sendall(b"POST /v1/verify HTTP/1.1\r\nHost: t\r\n")
    started = time.monotonic()
    closed = False
    sock.settimeout(0.2)
    while time.monotonic() - started < 8 and not closed:
        try:
            sock.sendall(b"X")
            if sock.recv(4096) == b"":
                closed = True
        except socket.timeout:
            pass
        except (BrokenPipeError, ConnectionResetError):
            closed = True
    elapsed = time.monotonic() - started
    check(closed and elapsed < 6, f"slow-loris headers closed on time ({elapsed:.1f} s)")
    sock.close()

    # Absurd headers: one 200 KB header, then 5,000 small ones.
    for head in (b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(5000)) + b"\r\n"):
        sock = raw_socket(base, 10)
        try:
            sock.sendall(head)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status = read_status(sock)
        check(status is None or 400 <= status < 500, f"absurd headers: {status}")
        sock.close()

    # A chunked body that never ends, trickled: answered or closed by the request timeout.
    sock = raw_socket(base)
    sock.sendall(f"POST /v1/verify HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
    started = time.monotonic()
    ended = False
    sock.settimeout(0.2)
    while time.monotonic() - started < 12 and not ended:
        try:
            sock.sendall(b"1\r\nA\r\n")
            chunk = sock.recv(4096)
            if not chunk or chunk.startswith(b"HTTP/1.1 503") or chunk.startswith(b"HTTP/1.1 4"):
                ended = True
        except socket.timeout:
            pass
        except (BrokenPipeError, ConnectionResetError):
            ended = True
    elapsed = time.monotonic() - started
    check(ended and elapsed < 10, f"an endless chunked body ended on time ({elapsed:.1f} s)")
    sock.close()

    # 10,000 tiny requests at once, each on its own connection: every one answered 422 (four bytes are no
    # JPEG) or 503 with Retry-After (the concurrency limit, as the API says of a full server), or closed;
    # none left hanging.
    outcomes, elapsed = tiny_flood(base, auth, TINY_REQUESTS)
    check(sum(outcomes.values()) == TINY_REQUESTS, f"every tiny request ended: {outcomes}")
    check(set(outcomes) <= {422, 503, "closed"}, f"tiny requests: {outcomes}")
    check(outcomes.get(422, 0) > 0, f"some tiny requests were answered: {outcomes}")
    check(elapsed < 60, f"the tiny requests took {elapsed:.1f} s")
    print(f"{TINY_REQUESTS} tiny requests: {outcomes}, {elapsed:.1f} s", file=sys.stderr)

    # Still serving (metadata only: a debug build's pixel detectors may take longer than the 3 s limit).
    status, _, body = request(base, "POST", "/v1/verify?scan=metadata", data, {**auth, "Content-Type": "image/jpeg"})
    check(status == 200 and json.loads(body).get("verdict"), f"still serving: {status}")
    status, _, _ = request(base, "GET", "/healthz")
    check(status == 200, f"healthz after the hostile clients: {status}")


TINY_REQUESTS = 10_000


def raise_open_file_limit(needed):
    """Sockets are descriptors: the soft limit up to the hard one, which must hold `needed`."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        check(False, f"this machine allows {hard} open files; {needed} connections at once need more (ulimit -Hn)")
        return
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed * 2) if hard != resource.RLIM_INFINITY else needed * 2, hard))


def tiny_flood(base, auth, count):
    """`count` connections opened at once, each sending one four-byte verify request; the outcome of each
    (its status, or "closed" when the server closed or reset it without one) and the time all took."""
    import asyncio
    raise_open_file_limit(count + 256)
    url = urllib.parse.urlparse(base)
    head = (f"POST /v1/verify HTTP/1.1\r\nHost: t\r\nAuthorization: {auth['Authorization']}\r\n"
            "Content-Type: image/jpeg\r\nContent-Length: 4\r\nConnection: close\r\n\r\ntiny").encode()

    async def one():
        writer = None
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(url.hostname, url.port), 30)
            writer.write(head)
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), 30)
            if not line.startswith(b"HTTP/1.1 "):
                return "closed"
            return int(line[9:12])
        except asyncio.TimeoutError:  # before OSError, of which it is a subclass since Python 3.11
            return "hung"
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            return "closed"
        finally:
            if writer is not None:
                writer.close()

    async def all_of_them():
        return await asyncio.gather(*(one() for _ in range(count)))

    started = time.monotonic()
    results = asyncio.run(all_of_them())
    outcomes = {}
    for result in results:
        outcomes[result] = outcomes.get(result, 0) + 1
    return outcomes, time.monotonic() - started


MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "heic": "image/heic", "flac": "audio/flac",
               "wav": "audio/wav", "mp3": "audio/mpeg", "mp4": "video/mp4", "jxl": "image/jxl", "webp": "image/webp"}


def case_corpus(base, token, cli_records, *folders):
    """The CLI's hostile corpus (bombs, truncations, lies about sizes and kinds) over HTTP. Verify answers
    each with the CLI's record for the same bytes: 200 when the file is read (the bomb refused is a finding
    in it), 422 input.unreadable carrying that record when it cannot be read. Inspect and stamp answer 200 or
    422. Every answer within the request time limit; the server serves afterwards."""
    auth = {"Authorization": f"Bearer {token}"}
    expected = {}
    for line in open(cli_records):
        record = json.loads(line)
        if "verdict" in record:
            name = os.path.basename(record["path"])
            record["path"] = name
            expected[name] = record
    paths = sorted(os.path.join(folder, name) for folder in folders for name in os.listdir(folder))
    check(len(paths) >= 70 and len(expected) == len(paths), f"{len(paths)} files, {len(expected)} CLI records")
    answered = {"verify": {}, "inspect": {}, "stamp": {}}
    for path in paths:
        name = os.path.basename(path)
        data = open(path, "rb").read()
        headers = {**auth, "Content-Type": MEDIA_TYPES[name.rsplit(".", 1)[1]]}
        query = "?" + urllib.parse.urlencode({"filename": name})
        started = time.monotonic()
        status, _, body = request(base, "POST", "/v1/verify" + query, data, headers, timeout=90)
        answer = json.loads(body)
        cli = expected.get(name, {})
        if not data:
            # No body at all is refused before any verification, for every route.
            check(status == 422 and answer["error"]["code"] == "input.unreadable", f"{name}: verify {status} {body[:300]!r}")
        elif cli.get("verdict") == "unreadable":
            check(status == 422 and answer["error"]["code"] == "input.unreadable" and answer.get("record") == cli,
                  f"{name}: verify {status} {body[:300]!r}, the CLI says {cli}")
        else:
            check(status == 200 and answer == cli, f"{name}: verify {status} {body[:300]!r}, the CLI says {cli}")
        answered["verify"][status] = answered["verify"].get(status, 0) + 1
        for route in ("inspect", "stamp"):
            status, response_headers, body = request(base, "POST", f"/v1/{route}" + query, data, headers, timeout=90)
            check(status in (200, 422), f"{name}: {route} {status} {body[:300]!r}")
            if status == 422:
                code = json.loads(body)["error"]["code"]
                check(code in ("input.unreadable", "input.too-large", "stamp.failed"), f"{name}: {route} 422 {code}")
            answered[route][status] = answered[route].get(status, 0) + 1
        elapsed = time.monotonic() - started
        check(elapsed < 60, f"{name}: three requests took {elapsed:.1f} s")
    print("hostile corpus:", len(paths), "files,", answered, file=sys.stderr)
    status, _, _ = request(base, "GET", "/healthz")
    check(status == 200, f"healthz after the corpus: {status}")


def case_tls(base, token, ca, jpeg):
    """HTTPS with the test's own CA: the handshake verifies the server's certificate for 127.0.0.1, a
    file is verified over it; a client that does not trust the CA is refused by its own check; plain
    HTTP on the TLS port gets no answer."""
    import ssl
    url = urllib.parse.urlparse(base)
    check(url.scheme == "https", f"the server says it listens on https: {base}")
    context = ssl.create_default_context(cafile=ca)
    data = open(jpeg, "rb").read()
    conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=60, context=context)
    try:
        conn.request("POST", "/v1/verify?filename=photo.jpg&scan=metadata", body=data,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"})
        response = conn.getresponse()
        body = response.read()
        check(response.status == 200, f"verify over https: {response.status} {body[:300]!r}")
        record = json.loads(body) if response.status == 200 else {}
        check(record.get("path") == "photo.jpg" and record.get("verdict") == "no-ai-evidence", f"verify over https: {record}")
        peer = conn.sock.getpeercert()
        check(("IP Address", "127.0.0.1") in peer.get("subjectAltName", ()), f"the served certificate: {peer}")
        check(conn.sock.version() in ("TLSv1.2", "TLSv1.3"), f"TLS version {conn.sock.version()}")
    finally:
        conn.close()
    # A client without the CA: certificate verification fails on the client's side.
    untrusting = ssl.create_default_context()
    conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=20, context=untrusting)
    try:
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        check(False, "a client that does not trust the test CA completed a handshake")
    except ssl.SSLCertVerificationError:
        pass
    finally:
        conn.close()
    # Plain HTTP on the TLS port: no HTTP answer, the connection is closed (not left hanging).
    sock = raw_socket(base, timeout=15)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        check(read_status(sock) is None, "plain HTTP on the TLS port got an HTTP answer")
    finally:
        sock.close()
    # Still serving over TLS afterwards.
    conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=20, context=context)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        check(response.status == 200 and json.loads(response.read()) == {"status": "ok"}, "healthz over https")
    finally:
        conn.close()


if __name__ == "__main__":
    name, base, *args = sys.argv[1:]
    {"roundtrip": case_roundtrip, "auth": case_auth, "limits": case_limits, "hostile": case_hostile, "corpus": case_corpus, "tls": case_tls}[name](base, *args)
    if FAILURES:
        sys.exit(1)
    print("ok")
