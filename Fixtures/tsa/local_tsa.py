#!/usr/bin/env python3
"""A local RFC 3161 time-stamp authority for ailabel's tests, on 127.0.0.1 only.

    local_tsa.py FOLDER [--mode ok|error|slow|huge|garbage] [--pss]

Makes a throwaway PKI in FOLDER with openssl (a TSA root, and a TSA certificate issued by it with
the critical timeStamping EKU, an AKI and digitalSignature, as the C2PA profile wants), then serves
POST requests by piping the body to `openssl ts -reply`. It prints the URL it listens on (an
ephemeral port) as its first line, then serves until killed. The test that starts it stops it.
Modes make the failures a client must survive: an HTTP 500, an answer slower than any timeout,
an answer larger than any limit, bytes that are no TimeStampResp. With --pss the TSA's key is
id-RSASSA-PSS (2048 bits, SHA-256, 32-byte salt), so its tokens are signed with RSASSA-PSS: as
`openssl ts` signs through PKCS#7, which has no PSS, the TSTInfo `openssl ts -reply` makes (with an
auxiliary P-256 key) is signed again by `openssl cms -sign` with the PSS key and wrapped in a
granted TimeStampResp.
"""
import http.server
import os
import signal
import subprocess
import sys
import time

folder = sys.argv[1]
mode = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else "ok"
pss = "--pss" in sys.argv


def run(*args, data=None):
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


def make_pki():
    root_key, root_cert = f"{folder}/tsa-root.key", f"{folder}/tsa-root.pem"
    key, cert = f"{folder}/tsa.key", f"{folder}/tsa.pem"
    if os.path.exists(cert):
        return
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", root_key)
    run("openssl", "req", "-x509", "-new", "-key", root_key, "-sha256", "-days", "3650", "-subj",
        "/CN=ailabel test TSA root/O=ailabel tests", "-out", root_cert,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "subjectKeyIdentifier=hash")
    if pss:
        run("openssl", "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048",
            "-pkeyopt", "rsa_pss_keygen_md:sha256", "-pkeyopt", "rsa_pss_keygen_mgf1_md:sha256",
            "-pkeyopt", "rsa_pss_keygen_saltlen:32", "-out", key)
    else:
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key)
    run("openssl", "req", "-new", "-key", key, "-subj", "/CN=ailabel test TSA/O=ailabel tests", "-out", f"{folder}/tsa.csr")
    with open(f"{folder}/tsa.ext", "w") as ext:
        ext.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                  "extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\n"
                  "authorityKeyIdentifier=keyid:always\n")
    run("openssl", "x509", "-req", "-in", f"{folder}/tsa.csr", "-CA", root_cert, "-CAkey", root_key,
        "-CAcreateserial", "-days", "3650", "-sha256", "-extfile", f"{folder}/tsa.ext", "-out", cert)
    if pss:
        # `openssl ts` cannot sign with the PSS key: an auxiliary key makes the TSTInfo (see above).
        key, cert = f"{folder}/aux.key", f"{folder}/aux.pem"
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key)
        run("openssl", "req", "-new", "-x509", "-key", key, "-subj", "/CN=ailabel test TSA auxiliary", "-days", "3650",
            "-addext", "extendedKeyUsage=critical,timeStamping", "-out", cert)
    with open(f"{folder}/tsa.cnf", "w") as cnf:
        cnf.write(f"""[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {folder}
serial = {folder}/tsa-serial
signer_cert = {cert}
certs = {cert}
signer_key = {key}
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")
    with open(f"{folder}/tsa-serial", "w") as serial:
        serial.write("01\n")


def der_length(n):
    if n < 0x80:
        return bytes([n])
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def reply_pss():
    """A granted TimeStampResp whose token is signed with the RSA-PSS key."""
    run("openssl", "ts", "-reply", "-config", f"{folder}/tsa.cnf", "-queryfile", f"{folder}/query.tsq",
        "-token_out", "-out", f"{folder}/aux-token.der")
    run("openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in", f"{folder}/aux-token.der",
        "-out", f"{folder}/tstinfo.der")
    token = run("openssl", "cms", "-sign", "-binary", "-nodetach", "-nosmimecap",
                "-econtent_type", "1.2.840.113549.1.9.16.1.4", "-signer", f"{folder}/tsa.pem", "-inkey", f"{folder}/tsa.key",
                "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:32", "-md", "sha256",
                "-outform", "DER", "-in", f"{folder}/tstinfo.der")
    status = b"\x30\x03\x02\x01\x00"  # PKIStatusInfo { granted }
    content = status + token
    return b"\x30" + der_length(len(content)) + content


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(min(length, 1 << 16))
        if mode == "error":
            body, status = b"TSA down", 500
        elif mode == "slow":
            time.sleep(30)
            body, status = b"", 200
        elif mode == "huge":
            body, status = b"\x30" * (4 << 20), 200
        elif mode == "garbage":
            body, status = b"not a time-stamp response", 200
        else:
            with open(f"{folder}/query.tsq", "wb") as out:
                out.write(query)
            body = reply_pss() if pss else run("openssl", "ts", "-reply", "-config", f"{folder}/tsa.cnf", "-queryfile", f"{folder}/query.tsq")
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


# A parent may have left SIGTERM ignored (inherited across exec); the test stops this server with it.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
os.makedirs(folder, exist_ok=True)
make_pki()
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_address[1]}/tsa", flush=True)
server.serve_forever()
