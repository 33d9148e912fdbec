#!/usr/bin/env python3
"""Makes the C2PA interop fixtures: files signed by the reference SDK (c2pa-rs via c2pa-python),
then damaged in the ways ailabel's validator must recognise, each with the SDK's own verdict
stored next to it as NAME.expected.json.

Run from the repository root:  .venv/bin/python Fixtures/c2pa/make_fixtures.py
It writes Fixtures/c2pa/{keys,sdk}/... ; the keys are TEST-ONLY (never trust them elsewhere).
"""
import datetime
import io
import json
import os
import struct
import sys
import zlib

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import referee  # noqa: E402

KEYS = os.path.join(HERE, "keys")
SDK = os.path.join(HERE, "sdk")
NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc)
SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def name(common):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ailabel test fixtures"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def certificate(subject, subject_key, issuer, issuer_key, ca, path_length=None):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False))
    if ca:
        builder = (builder.add_extension(x509.BasicConstraints(ca=True, path_length=path_length), True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True))
    else:
        builder = (builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                   .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                         x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")]), False))
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def make_pki(label, signer_key=None, root=None):
    """root -> intermediate -> signer (ES256 unless another key is given); returns (signer key PEM, chain PEM).
    With `root` = (certificate, key), the intermediate hangs under that existing root."""
    if root is None:
        root_key = ec.generate_private_key(ec.SECP256R1())
        root_cert = certificate(name(f"{label} root"), root_key, name(f"{label} root"), root_key, True, 1)
    else:
        root_cert, root_key = root
    int_key = ec.generate_private_key(ec.SECP256R1())
    inter = certificate(name(f"{label} intermediate"), int_key, root_cert.subject, root_key, True, 0)
    signer_key = signer_key or ec.generate_private_key(ec.SECP256R1())
    signer = certificate(name(f"{label} signer"), signer_key, inter.subject, int_key, False)
    key_pem = signer_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()).decode()
    os.makedirs(KEYS, exist_ok=True)
    files = [(f"{label}-signer.key", key_pem), (f"{label}-chain.pem", pem(signer) + pem(inter))]
    if root is None:
        files.append((f"{label}-root.pem", pem(root_cert)))
    for file, text in files:
        with open(os.path.join(KEYS, file), "w") as handle:
            handle.write(text)
    make_pki.last_root = (root_cert, root_key)
    return key_pem, pem(signer) + pem(inter)


def source_image(width, height, fmt, seed):
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            pixels[x, y] = ((x * 7 + seed) % 256, (y * 5 + seed * 3) % 256, ((x + y) * 3) % 256)
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=80)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def sdk_sign(key_pem, chain_pem, data, mime, title, ingredient=None, alg=b"es256"):
    manifest = {
        "claim_generator_info": [{"name": "make_fixtures.py", "version": "1"}],
        "title": title,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": SOURCE_TYPE}]}}],
    }
    if ingredient is not None:
        manifest["assertions"] = [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}}]}}]
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                        "verify": {"verify_after_sign": False}})
    context = c2pa.Context(settings=settings)
    builder = c2pa.Builder(manifest, context=context)
    if ingredient is not None:
        builder.add_ingredient({"title": "parent.jpg", "relationship": "parentOf", "label": "parent"},
                               mime, io.BytesIO(ingredient))
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg, chain_pem.encode(), key_pem.encode(), None))
    out = io.BytesIO()
    builder.sign(signer, mime, io.BytesIO(data), out)
    return out.getvalue()


def jpeg_segments(data):
    """(marker, start, end) of each segment before the scan, then ('scan', start, len)."""
    position, out = 2, []
    while position < len(data):
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        out.append((marker, position, position + 2 + length))
        position += 2 + length
        if marker == 0xDA:
            break
    return out


def strip_jpeg(data):
    kept = bytearray(data[:2])
    end = 2
    for marker, start, stop in jpeg_segments(data):
        if marker != 0xEB:
            kept += data[start:stop]
        end = stop
    return bytes(kept + data[end:])


def png_chunks(data):
    position, out = 8, []
    while position < len(data):
        length = struct.unpack(">I", data[position:position + 4])[0]
        kind = data[position + 4:position + 8]
        out.append((kind, position, position + 12 + length))
        position += 12 + length
    return out


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def change_png_pixels(data):
    """Decompress IDAT, change one pixel row, recompress: same structure, different pixels."""
    chunks = png_chunks(data)
    idat = b"".join(data[s + 8:e - 4] for k, s, e in chunks if k == b"IDAT")
    raw = bytearray(zlib.decompress(idat))
    for i in range(1, 40):
        raw[i] ^= 0x55
    new_idat = png_chunk(b"IDAT", zlib.compress(bytes(raw)))
    out, wrote = bytearray(data[:8]), False
    for kind, start, stop in chunks:
        if kind == b"IDAT":
            if not wrote:
                out += new_idat
                wrote = True
        else:
            out += data[start:stop]
    return bytes(out)


def flip_scan_byte(data):
    scan_start = [stop for marker, start, stop in jpeg_segments(data) if marker == 0xDA][0]
    index = scan_start + (len(data) - scan_start) // 2
    while data[index] == 0xFF or data[index - 1] == 0xFF or data[index] ^ 0x01 == 0xFF:
        index += 1
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def edit_assertion(data):
    """Change one character inside the actions assertion's CBOR without changing any length."""
    marker = b"c2pa.created"
    index = data.find(marker, data.find(b"c2pa.actions"))
    # The assertion's own content follows its jumd label; edit the first occurrence of the action name.
    out = bytearray(data)
    out[index + len(b"c2pa.")] = ord("C")
    return bytes(out)


def write(name, data, trust=("fixtures-root.pem",), mime=None):
    path = os.path.join(SDK, name)
    with open(path, "wb") as handle:
        handle.write(data)
    verdict = referee.read(path, [os.path.join(KEYS, t) for t in trust], None, mime)
    with open(path + ".expected.json", "w") as handle:
        json.dump(verdict, handle, indent=2, sort_keys=True)
        handle.write("\n")
    print(f"{name}: {len(data)} bytes, {verdict['state']} {verdict['failure']}")


def main():
    os.makedirs(SDK, exist_ok=True)
    key, chain = make_pki("fixtures")
    fixtures_root = make_pki.last_root
    other_key, other_chain = make_pki("untrusted")
    jpeg = source_image(160, 120, "jpeg", 1)
    png = source_image(96, 64, "png", 2)
    with open(os.path.join(SDK, "unsigned.jpg"), "wb") as handle:
        handle.write(jpeg)
    with open(os.path.join(SDK, "unsigned.png"), "wb") as handle:
        handle.write(png)

    signed = sdk_sign(key, chain, jpeg, "image/jpeg", "signed.jpg")
    write("signed.jpg", signed)
    signed_png = sdk_sign(key, chain, png, "image/png", "signed.png")
    write("signed.png", signed_png)
    write("signed-pixels-changed.png", change_png_pixels(signed_png))
    write("signed-byte-flipped.jpg", flip_scan_byte(signed))
    write("signed-assertion-edited.jpg", edit_assertion(signed))
    write("signed-untrusted-root.jpg", sdk_sign(other_key, other_chain, jpeg, "image/jpeg", "untrusted.jpg"))
    write("signed-stripped.jpg", strip_jpeg(signed))
    # Unsigned sources of several sizes for ailabel's own signing tests.
    sources = os.path.join(HERE, "sources")
    os.makedirs(sources, exist_ok=True)
    for file, (width, height, fmt, seed) in {
        "tiny-8x8.jpg": (8, 8, "jpeg", 4), "small-160x120.jpg": (160, 120, "jpeg", 5),
        "medium-480x360.jpg": (480, 360, "jpeg", 6), "tiny-4x4.png": (4, 4, "png", 7),
        "small-96x64.png": (96, 64, "png", 8), "medium-320x240.png": (320, 240, "png", 9),
    }.items():
        with open(os.path.join(sources, file), "wb") as handle:
            handle.write(source_image(width, height, fmt, seed))
    # Other signature algorithms, under the same trusted root.
    for alg, signer_key in ((b"es384", ec.generate_private_key(ec.SECP384R1())),
                            (b"es512", ec.generate_private_key(ec.SECP521R1())),
                            (b"ps256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                            (b"ed25519", ed25519.Ed25519PrivateKey.generate())):
        label = f"fixtures-{alg.decode()}"
        alg_key, alg_chain = make_pki(label, signer_key=signer_key, root=fixtures_root)
        write(f"signed-{alg.decode()}.jpg", sdk_sign(alg_key, alg_chain, jpeg, "image/jpeg", f"{alg.decode()}.jpg", alg=alg))
    parent_source = source_image(128, 96, "jpeg", 3)
    parent = sdk_sign(key, chain, parent_source, "image/jpeg", "parent.jpg")
    with_parent = sdk_sign(key, chain, parent, "image/jpeg", "child.jpg", ingredient=parent)
    write("signed-with-parent.jpg", with_parent)
    # The parent manifest (first in the store) edited inside the child's store.
    write("signed-with-parent-edited.jpg", edit_assertion(with_parent))


if __name__ == "__main__":
    main()
