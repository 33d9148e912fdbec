#!/usr/bin/env python3
"""Makes the fixtures for certificate kinds and encodings that swift-certificates refuses or reads
differently from c2pa-rs, each signed by the reference SDK (c2pa-python) and stored with the SDK's
verdict as NAME.expected.json (see make_fixtures.py):

- an RSASSA-PSS PKI: every key is id-RSASSA-PSS and every certificate is PSS-signed (as c2pa-rs's
  own PS256 test credentials), over SHA-256 (PS256 claim signature) and over SHA-512 (PS512);
- a signer whose KeyUsage is encoded 03 02 00 C0 (BIT STRING with 0 unused bits stated although
  the last six are zero: strict DER refuses it, c2pa-rs reads it);
- a signer whose only ExtendedKeyUsage is a private OID (accepted only through a trust config);
- a signed JPEG whose APP11 store segment is numbered 0 (as Bing Image Creator numbers it), and one
  whose store spans three APP11 segments (renumbered by the tests).

The certificates are made with the openssl command (the Python cryptography package cannot make
id-RSASSA-PSS keys). Run from the repository root:
    .venv/bin/python Fixtures/c2pa/make_profile_fixtures.py
Rerunning makes new keys and new files; commit them together. The keys are TEST-ONLY.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures as base  # noqa: E402

KEYS = base.KEYS

CONFIG = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
O = ailabel test fixtures
CN = {cn}
[ ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection, 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_odd_key_usage ]
basicConstraints = critical, CA:FALSE
2.5.29.15 = critical, DER:03:02:00:C0
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_private_eku ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = 1.3.6.1.4.1.99999.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""

def pss_signing(digest):
    return ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest", "-sigopt", f"rsa_mgf1_md:{digest}"]


def openssl(*arguments, cwd):
    subprocess.run(["openssl", *arguments], cwd=cwd, check=True, capture_output=True)


def key(work, name, pss):
    algorithm = ["-algorithm", "RSA-PSS"] if pss else ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
    extra = ["-pkeyopt", "rsa_keygen_bits:2048"] if pss else []
    openssl("genpkey", *algorithm, *extra, "-out", f"{name}.key", cwd=work)


def certificate(work, name, issuer, section, pss_signature, digest="sha256"):
    """name.pem signed by issuer (None: self-signed), with the extensions of `section`."""
    with open(os.path.join(work, f"{name}.cnf"), "w") as handle:
        handle.write(CONFIG.format(cn=f"ailabel {name}"))
    signing = pss_signing(digest) if pss_signature else []
    if issuer is None:
        openssl("req", "-new", "-x509", "-key", f"{name}.key", "-out", f"{name}.pem", "-days", "7300", f"-{digest}",
                "-config", f"{name}.cnf", "-extensions", section, *signing, cwd=work)
        return
    openssl("req", "-new", "-key", f"{name}.key", "-out", f"{name}.csr", "-config", f"{name}.cnf", cwd=work)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{issuer}.pem", "-CAkey", f"{issuer}.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "7300", f"-{digest}", "-extfile", f"{name}.cnf", "-extensions", section,
            *signing, cwd=work)


def read(work, name):
    with open(os.path.join(work, name)) as handle:
        return handle.read()


def flip_claim_signature(data):
    """One byte of the COSE signature (the last 256-byte bstr of the c2pa.signature box) changed."""
    label = data.find(b"c2pa.signature")
    marker = data.rfind(b"\x59\x01\x00", label)
    assert label > 0 and marker > label, "no 256-byte signature found"
    out = bytearray(data)
    out[marker + 3 + 100] ^= 0x01
    return bytes(out)


def number_app11_from_zero(data):
    """The store's single APP11 segment renumbered 0 (the data hash excludes the segment)."""
    index = data.find(b"\xff\xeb")
    assert data[index + 4:index + 6] == b"JP"
    assert data.find(b"\xff\xeb", index + 2) < 0, "expected a single APP11 segment"
    out = bytearray(data)
    out[index + 8:index + 12] = (0).to_bytes(4, "big")
    return bytes(out)


def main():
    jpeg = base.source_image(160, 120, "jpeg", 11)
    with tempfile.TemporaryDirectory() as work:
        # The RSASSA-PSS PKI: PSS keys, PSS signatures, as c2pa-rs's ps256 test credentials.
        for name in ("pss-root", "pss-intermediate", "pss-signer"):
            key(work, name, pss=True)
        certificate(work, "pss-root", None, "ca", True)
        certificate(work, "pss-intermediate", "pss-root", "ca", True)
        certificate(work, "pss-signer", "pss-intermediate", "leaf", True)
        pss_chain = read(work, "pss-signer.pem") + read(work, "pss-intermediate.pem")
        with open(os.path.join(KEYS, "pss-root.pem"), "w") as handle:
            handle.write(read(work, "pss-root.pem"))
        with open(os.path.join(KEYS, "pss-chain.pem"), "w") as handle:
            handle.write(pss_chain)
        with open(os.path.join(KEYS, "pss-signer.key"), "w") as handle:
            handle.write(read(work, "pss-signer.key"))
        signed = base.sdk_sign(read(work, "pss-signer.key"), pss_chain, jpeg, "image/jpeg", "pss.jpg", alg=b"ps256")
        base.write("signed-pss-keys.jpg", signed, trust=("pss-root.pem",))
        base.write("signed-pss-keys-signature-broken.jpg", flip_claim_signature(signed), trust=("pss-root.pem",))

        # The same with SHA-512 everywhere: PSS certificates over SHA-512, a PS512 claim signature.
        for name in ("pss512-root", "pss512-signer"):
            key(work, name, pss=True)
        certificate(work, "pss512-root", None, "ca", True, digest="sha512")
        certificate(work, "pss512-signer", "pss512-root", "leaf", True, digest="sha512")
        with open(os.path.join(KEYS, "pss512-root.pem"), "w") as handle:
            handle.write(read(work, "pss512-root.pem"))
        signed512 = base.sdk_sign(read(work, "pss512-signer.key"), read(work, "pss512-signer.pem"), jpeg, "image/jpeg",
                                  "pss512.jpg", alg=b"ps512")
        base.write("signed-pss512-keys.jpg", signed512, trust=("pss512-root.pem",))

        # EC signers under an EC CA, each with one oddity of its certificate.
        key(work, "odd-root", pss=False)
        certificate(work, "odd-root", None, "ca", False)
        with open(os.path.join(KEYS, "odd-root.pem"), "w") as handle:
            handle.write(read(work, "odd-root.pem"))
        for name, section in (("odd-key-usage", "leaf_odd_key_usage"), ("private-eku", "leaf_private_eku")):
            key(work, name, pss=False)
            certificate(work, name, "odd-root", section, False)
            with open(os.path.join(KEYS, f"{name}-chain.pem"), "w") as handle:
                handle.write(read(work, f"{name}.pem"))
        odd = base.sdk_sign(read(work, "odd-key-usage.key"), read(work, "odd-key-usage.pem"), jpeg, "image/jpeg", "odd.jpg")
        base.write("signed-key-usage-00c0.jpg", odd, trust=("odd-root.pem",))
        # The SDK signs with a private EKU only when its trust config names it.
        private = sign_with_eku(read(work, "private-eku.key"), read(work, "private-eku.pem"), jpeg, PRIVATE_EKU)
        base.write("signed-private-eku.jpg", private, trust=("odd-root.pem",))
        with open(os.path.join(KEYS, "private-eku.cfg"), "w") as handle:
            handle.write(f"// the private purpose of signed-private-eku.jpg\n{PRIVATE_EKU}\n")

    with open(os.path.join(base.SDK, "signed.jpg"), "rb") as handle:
        base.write("signed-app11-from-zero.jpg", number_app11_from_zero(handle.read()))
    base.write("signed-three-app11-segments.jpg", sign_large_store(jpeg))


def sign_large_store(data):
    """Signed by the fixtures signer with a 150 kB assertion, so the store spans three APP11 segments
    (the tests renumber them in memory, as other writers number them)."""
    manifest = {
        "claim_generator_info": [{"name": "make_profile_fixtures.py", "version": "1"}],
        "title": "large.jpg",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": base.SOURCE_TYPE}]}},
            {"label": "io.ailabel.test.filler", "data": {"filler": "x" * 150_000}},
        ],
    }
    settings = base.c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}, "verify": {"verify_after_sign": False}})
    builder = base.c2pa.Builder(manifest, context=base.c2pa.Context(settings=settings))
    with open(os.path.join(KEYS, "fixtures-signer.key")) as key, open(os.path.join(KEYS, "fixtures-chain.pem")) as chain:
        signer = base.c2pa.Signer.from_info(base.c2pa.C2paSignerInfo(b"es256", chain.read().encode(), key.read().encode(), None))
    out = base.io.BytesIO()
    builder.sign(signer, "image/jpeg", base.io.BytesIO(data), out)
    return out.getvalue()


PRIVATE_EKU = "1.3.6.1.4.1.99999.1"


def sign_with_eku(key_pem, chain_pem, data, eku):
    """As make_fixtures.sdk_sign, with `eku` added to the SDK's accepted purposes."""
    manifest = {
        "claim_generator_info": [{"name": "make_profile_fixtures.py", "version": "1"}],
        "title": "eku.jpg",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": base.SOURCE_TYPE}]}}],
    }
    settings = base.c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                             "verify": {"verify_after_sign": False},
                                             "trust": {"trust_config": eku + "\n"}})
    builder = base.c2pa.Builder(manifest, context=base.c2pa.Context(settings=settings))
    signer = base.c2pa.Signer.from_info(base.c2pa.C2paSignerInfo(b"es256", chain_pem.encode(), key_pem.encode(), None))
    out = base.io.BytesIO()
    builder.sign(signer, "image/jpeg", base.io.BytesIO(data), out)
    return out.getvalue()


if __name__ == "__main__":
    main()
