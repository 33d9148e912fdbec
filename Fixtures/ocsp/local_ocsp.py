#!/usr/bin/env python3
"""A local OCSP responder (RFC 6960) and its test PKI for ailabel's tests, on 127.0.0.1 only.

    local_ocsp.py FOLDER [--mode ok|error|slow|garbage] [--no-serve] [--pss]

Binds an ephemeral port first, then makes a throwaway PKI in FOLDER whose signer certificates name
that port in their Authority Information Access (OCSP):

- root.pem (the trust anchor), intermediate.pem (the CA that issues everything below);
- signer-good / signer-revoked / signer-other / signer-unlisted: .key and -chain.pem (leaf, intermediate), C2PA
  signer profile (digitalSignature, the documentSigning and emailProtection purposes, AKI, SKI);
  signer-revoked is listed revoked (keyCompromise, a day ago) in index.txt, signer-unlisted not at all;
- responder.pem / .key: a delegated responder issued by the intermediate with the OCSPSigning EKU;
- the responses `openssl ocsp` gives for each signer (good.der, revoked.der, unlisted.der: status
  unknown, other.der: the
  response for signer-other, which a file signed by signer-good must not take for its own), and two
  crafted from good.der's fields: expired.der (thisUpdate three days ago, nextUpdate two days ago,
  signed by the responder) and badsig.der (good.der with one digit of producedAt changed after
  signing, so its signature no longer verifies).

Then it prints the responder's URL as its first line and serves GET (/ocsp/BASE64) and POST
requests by piping them to `openssl ocsp -index index.txt`, until killed; with --no-serve it
prints the URL and exits. Modes make the failures a client must survive: an HTTP 500, an answer
slower than any timeout, bytes that are no OCSPResponse. --pss gives the intermediate an RSA-PSS
key instead of P-256 (not used by the OCSP tests; kept for the PSS ones).
"""
import base64
import datetime
import http.server
import os
import signal
import subprocess
import sys
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, AuthorityInformationAccessOID, ObjectIdentifier

args = sys.argv[1:]
folder = args[0]
mode = args[args.index("--mode") + 1] if "--mode" in args else "ok"
serve = "--no-serve" not in args
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def run(*command, data=None):
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout


def name(common):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ailabel OCSP tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def write_key(path, key):
    with open(path, "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))


def pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def issue(subject, key, issuer_name, issuer_key, ca=False, usages=None, aia=None, days=365):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=10)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca and issuer_name != subject else None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer_name != subject:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False), critical=True)
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    if aia:
        builder = builder.add_extension(x509.AuthorityInformationAccess(
            [x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(aia))]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(url):
    if os.path.exists(f"{folder}/index.txt"):
        return
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = issue(name("ailabel OCSP test root"), root_key, name("ailabel OCSP test root"), root_key, ca=True, days=3650)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = issue(name("ailabel OCSP test CA"), ca_key, root.subject, root_key, ca=True, days=3650)
    with open(f"{folder}/root.pem", "wb") as out:
        out.write(pem(root))
    with open(f"{folder}/intermediate.pem", "wb") as out:
        out.write(pem(ca))
    index = []
    signers = {}
    for kind in ["good", "revoked", "other", "unlisted"]:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = issue(name(f"ailabel OCSP test signer ({kind})"), key, ca.subject, ca_key,
                            usages=[DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION], aia=url)
        signers[kind] = certificate
        write_key(f"{folder}/signer-{kind}.key", key)
        with open(f"{folder}/signer-{kind}-chain.pem", "wb") as out:
            out.write(pem(certificate) + pem(ca))
        with open(f"{folder}/signer-{kind}.pem", "wb") as out:
            out.write(pem(certificate))
        expiry = certificate.not_valid_after_utc.strftime("%y%m%d%H%M%SZ")
        serial = format(certificate.serial_number, "X")
        serial = ("0" + serial) if len(serial) % 2 else serial
        subject = "/O=ailabel OCSP tests/CN=" + f"ailabel OCSP test signer ({kind})"
        if kind == "unlisted":
            continue  # not in index.txt: the responder answers "unknown"
        if kind == "revoked":
            revoked = (now - datetime.timedelta(days=1)).strftime("%y%m%d%H%M%SZ")
            index.append(f"R\t{expiry}\t{revoked},keyCompromise\t{serial}\tunknown\t{subject}\n")
        else:
            index.append(f"V\t{expiry}\t\t{serial}\tunknown\t{subject}\n")
    responder_key = ec.generate_private_key(ec.SECP256R1())
    responder = issue(name("ailabel OCSP test responder"), responder_key, ca.subject, ca_key,
                      usages=[ExtendedKeyUsageOID.OCSP_SIGNING])
    write_key(f"{folder}/responder.key", responder_key)
    with open(f"{folder}/responder.pem", "wb") as out:
        out.write(pem(responder))
    with open(f"{folder}/index.txt", "w") as out:
        out.writelines(index)
    with open(f"{folder}/index.txt.attr", "w") as out:
        out.write("unique_subject = no\n")
    for kind in ["good", "revoked", "other", "unlisted"]:
        run("openssl", "ocsp", "-issuer", f"{folder}/intermediate.pem", "-cert", f"{folder}/signer-{kind}.pem",
            "-no_nonce", "-reqout", f"{folder}/request-{kind}.der")
        respond(f"{folder}/request-{kind}.der", f"{folder}/{kind}.der")
    # expired.der: the good status, signed by the responder, but for a period that ended two days ago.
    good = ocsp.load_der_ocsp_response(open(f"{folder}/good.der", "rb").read())
    builder = (ocsp.OCSPResponseBuilder()
               .add_response(cert=signers["good"], issuer=ca, algorithm=hashes.SHA1(), cert_status=ocsp.OCSPCertStatus.GOOD,
                             this_update=now - datetime.timedelta(days=3), next_update=now - datetime.timedelta(days=2),
                             revocation_time=None, revocation_reason=None)
               .responder_id(ocsp.OCSPResponderEncoding.HASH, responder).certificates([responder]))
    with open(f"{folder}/expired.der", "wb") as out:
        out.write(builder.sign(responder_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
    # badsig.der: producedAt's last seconds digit changed after signing.
    der = bytearray(open(f"{folder}/good.der", "rb").read())
    produced = good.produced_at_utc.strftime("%Y%m%d%H%M%SZ").encode()
    at = der.index(b"\x18\x0f" + produced) + 2 + 13
    der[at] = ord("0") + (der[at] - ord("0") + 1) % 10
    with open(f"{folder}/badsig.der", "wb") as out:
        out.write(bytes(der))


def respond(request_path, response_path):
    run("openssl", "ocsp", "-index", f"{folder}/index.txt", "-CA", f"{folder}/intermediate.pem",
        "-rsigner", f"{folder}/responder.pem", "-rkey", f"{folder}/responder.key", "-nmin", "60",
        "-reqin", request_path, "-respout", response_path)


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, request):
        if mode == "error":
            body, status = b"OCSP responder down", 500
        elif mode == "slow":
            time.sleep(30)
            body, status = b"", 200
        elif mode == "garbage":
            body, status = b"not an OCSP response", 200
        else:
            with open(f"{folder}/served-request.der", "wb") as out:
                out.write(request)
            respond(f"{folder}/served-request.der", f"{folder}/served-response.der")
            body, status = open(f"{folder}/served-response.der", "rb").read(), 200
        self.send_response(status)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        # RFC 6960 A.1: the base64 request follows the responder's path; a client that joins it to
        # the URL as c2pa-rs does replaces the last segment instead, so both are accepted.
        path = self.path[len("/ocsp/"):] if self.path.startswith("/ocsp/") else self.path[1:]
        encoded = urllib.parse.unquote(path)
        try:
            request = base64.b64decode(encoded)
        except ValueError:
            request = b""
        with open(f"{folder}/served-method", "w") as out:
            out.write("GET")
        self.answer(request)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        with open(f"{folder}/served-method", "w") as out:
            out.write("POST")
        self.answer(self.rfile.read(min(length, 1 << 16)))

    def log_message(self, *args):
        pass


# A parent may have left SIGTERM ignored (inherited across exec); the test stops this server with it.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
os.makedirs(folder, exist_ok=True)
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
url = f"http://127.0.0.1:{server.server_address[1]}/ocsp"
make_pki(url)
print(url, flush=True)
if serve:
    server.serve_forever()
