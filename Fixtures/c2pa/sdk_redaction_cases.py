#!/usr/bin/env python3
"""Signs small JPEGs that exercise C2PA 2.4's redaction rules (sections 6.8 and 15.10.3.1) and writes
down the reference SDK's (c2pa-python) verdict on each: a child that redacts an assertion of its parent
ingredient, as the SDK's Builder does it, with and without the c2pa.redacted action; a c2pa.redacted
action naming a manifest the store lacks; and claims whose redacted_assertions name what may not be
redacted (an actions assertion, a hard binding, an assertion of the claim itself) or an assertion that
is still there. The SDK's Reader judges them, and so does ailabel (the Swift redaction agreement test).

    sdk_redaction_cases.py DIRECTORY

writes DIRECTORY/NAME.jpg for every case and DIRECTORY/cases.json: [{"name", "rule", "sdk": {"state",
"failure"}}], where "sdk" is the verdict the SDK gave when the case was written down (the test checks
that the installed SDK still gives it, so a change of the referee is seen, not absorbed). Signed under
the fixtures' PKI (Fixtures/c2pa/keys). The parent ingredient is made here: the source image signed with
a custom assertion com.example.secret, the one a legitimate redaction removes.

The Builder refuses to redact an actions assertion or a hard binding, and never writes a claim that
redacts itself or leaves a redacted assertion in place, so those cases are made by editing a signed
child's claim (adding redacted_assertions) and signing it again with the fixtures' ES256 key. The edit
keeps the claim's CBOR at its byte length (the room is taken from a padded dc:title) so that no JUMBF
box, APP11 segment or data-hash exclusion changes; an ES256 signature is always 64 bytes, so the COSE
signature keeps its length too. The script exits non-zero, saying why, when such an edit cannot be made.

What the Builder (c2pa-rs 0.91.3) does with `redactions`: it removes the assertion's superbox from the
parent's manifest in the child's store (it does not zero it; the parent's claim, still signed, goes on
listing it), writes the URI into the child claim's redacted_assertions, and adds no c2pa.redacted action
of its own. The child's ingredient assertion keeps the parent manifest's hash from before the redaction,
so the Reader, seeing a redaction of that manifest, checks the ingredient's claimSignature hash (of the
parent's c2pa.signature box, which the redaction leaves alone) instead (ingredient.claimSignature.validated).
"""
import io
import json
import os
import struct
import sys

import c2pa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from sdk_rule_cases import write_cases

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "keys")
SOURCE = os.path.join(HERE, "sources", "small-160x120.jpg")
AI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
GENERATOR = [{"name": "sdk_redaction_cases.py", "version": "1"}]
SECRET = {"label": "com.example.secret", "data": {"gps": "here"}}
NOTE = {"label": "com.example.note", "data": {"note": "mine"}}
OPENED = {"action": "c2pa.opened", "parameters": {"ingredientIds": ["p0"]}}
PARENT_INGREDIENT = {"title": "parent.jpg", "relationship": "parentOf", "label": "p0"}
# The padding a re-signed child's dc:title carries, so that adding a redacted_assertions entry (about 110
# bytes of CBOR) can be paid for by trimming it.
TITLE_ROOM = 160
# No manifest of that label is in any store: a c2pa.redacted action naming it cannot be resolved.
ABSENT_MANIFEST = "urn:c2pa:00000000-0000-0000-0000-000000000000"


class EditError(Exception):
    """A re-signed case could not be made as intended."""


def assertion_uri(manifest, label):
    return f"self#jumbf=/c2pa/{manifest}/c2pa.assertions/{label}"


def redacted(uri):
    return {"action": "c2pa.redacted", "parameters": {"redacted": uri}}


# --- CBOR (RFC 8949), only what a c2pa-rs claim holds: unsigned and negative integers, byte and text
# strings, arrays, maps, tags, false/true/null; definite lengths, shortest heads (as c2pa-rs writes them,
# checked by re-encoding the claim before it is edited).

def cbor_decode(data):
    value, end = _decode(data, 0)
    if end != len(data):
        raise EditError(f"{len(data) - end} bytes after the CBOR item")
    return value


def _decode(data, i):
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info not in simple:
            raise EditError(f"CBOR simple value or float {info} is not expected in a claim")
        return simple[info], i
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        argument, i = int.from_bytes(data[i:i + size], "big"), i + size
    else:
        raise EditError("indefinite-length CBOR is not expected in a claim")
    if major == 0:
        return argument, i
    if major == 1:
        return -1 - argument, i
    if major == 2:
        return bytes(data[i:i + argument]), i + argument
    if major == 3:
        return data[i:i + argument].decode("utf-8"), i + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, i = _decode(data, i)
            items.append(item)
        return items, i
    if major == 5:
        entries = {}
        for _ in range(argument):
            key, i = _decode(data, i)
            entries[key], i = _decode(data, i)
        return entries, i
    tagged, i = _decode(data, i)
    return ("tag", argument, tagged), i


def _head(major, argument):
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise EditError("integer too large for CBOR")


def cbor_encode(value):
    if value is False or value is True or value is None:
        return {False: b"\xf4", True: b"\xf5", None: b"\xf6"}[value]
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode("utf-8")
        return _head(3, len(encoded)) + encoded
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(cbor_encode(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items())
    if isinstance(value, tuple) and value[0] == "tag":
        return _head(6, value[1]) + cbor_encode(value[2])
    raise EditError(f"cannot encode {type(value).__name__} as CBOR")


# --- JUMBF (ISO 19566-5) in a JPEG's APP11 segment.

def jumbf_span(data):
    """(start, end) of the C2PA store's JUMBF in a JPEG. The SDK writes these small stores in one APP11
    segment; a store continued over several would need joining, which this script has no need of."""
    spans, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF and data[i + 1] != 0xDA:
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if data[i + 1] == 0xEB:
            # APP11 payload: "JP", box instance (2), packet sequence (4), then the JUMBF superbox.
            spans.append((i + 4 + 8, i + 2 + length))
        i += 2 + length
    if len(spans) != 1:
        raise EditError(f"expected the store in one APP11 segment, found {len(spans)}")
    return spans[0]


def child_boxes(data, start, end):
    """(start, body, end, type) of the boxes laid one after another in data[start:end]."""
    out = []
    while start < end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        if size < 8 or start + size > end:
            raise EditError(f"JUMBF box of size {size} at {start} does not fit")
        out.append((start, start + 8, start + size, kind))
        start += size
    return out


def superbox(data, box):
    """(label, content boxes) of a jumb superbox: its jumd description box gives the label."""
    start, body, end, kind = box
    if kind != b"jumb":
        raise EditError("expected a JUMBF superbox")
    boxes = child_boxes(data, body, end)
    description = boxes[0]
    if description[3] != b"jumd" or not data[description[1] + 16] & 2:
        raise EditError("JUMBF superbox without a labelled description")
    text = description[1] + 17
    return bytes(data[text:data.index(b"\0", text)]).decode("utf-8"), boxes[1:]


def active_manifest(data):
    """The active (last) manifest's label and its labelled parts {label: content boxes}."""
    start, end = jumbf_span(data)
    store = child_boxes(data, start, end)
    if len(store) != 1:
        raise EditError("expected one C2PA store superbox")
    _, manifests = superbox(data, store[0])
    label, parts = superbox(data, manifests[-1])
    return label, {part_label: boxes for part_label, boxes in (superbox(data, part) for part in parts)}


def resign(data, edit):
    """data with the active claim changed by edit(claim, manifest label) and signed again, every length kept."""
    data = bytearray(data)
    label, parts = active_manifest(data)
    claim_box = next((boxes[0] for name, boxes in parts.items() if name.startswith("c2pa.claim")), None)
    signature_box = parts.get("c2pa.signature", [None])[0]
    if claim_box is None or signature_box is None:
        raise EditError("the active manifest has no claim or no signature")
    old = bytes(data[claim_box[1]:claim_box[2]])
    claim = cbor_decode(old)
    if cbor_encode(claim) != old:
        raise EditError("the claim does not re-encode to its own bytes; a same-length edit would be a guess")
    edit(claim, label)
    new = encoded_at_length(claim, len(old), "claim")
    data[claim_box[1]:claim_box[2]] = new
    # COSE_Sign1 (tag 18): [protected bstr, unprotected map, nil (detached payload), signature bstr(64)].
    cose = bytes(data[signature_box[1]:signature_box[2]])
    if cose[:2] != b"\xd2\x84" or cose[-67:-64] != b"\xf6\x58\x40":
        raise EditError("the claim signature is not a COSE_Sign1 with a detached payload and a 64-byte signature")
    protected, _ = _decode(cose, 2)
    if cbor_decode(protected).get(1) != -7:
        raise EditError("the claim was not signed with ES256 (COSE alg -7), so it cannot be signed again as such")
    data[signature_box[2] - 64:signature_box[2]] = es256(new, protected)
    return bytes(data)


def encoded_at_length(item, length, what):
    """item (a CBOR map) encoded at exactly length bytes, its dc:title's padding (trailing dots) trimmed to
    make up for what an edit added; a CBOR text head may change size as the title shortens, so the length
    is searched for rather than computed."""
    title = item.get("dc:title", "")
    for keep in range(len(title), len(title.rstrip(".")) - 1, -1):
        item["dc:title"] = title[:keep]
        new = cbor_encode(item)
        if len(new) <= length:
            break
    if len(new) != length:
        raise EditError(f"the edited {what} is {len(new)} bytes, not {length}: the title's padding cannot make up")
    return new


def es256(payload, protected):
    """The raw r||s ES256 signature of a COSE Sig_structure over payload with the original protected header
    (and so the same certificate chain); no external AAD, as c2pa-rs signs."""
    to_be_signed = cbor_encode(["Signature1", protected, b"", payload])
    with open(os.path.join(KEYS, "fixtures-signer.key"), "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), None)
    r, s = decode_dss_signature(key.sign(to_be_signed, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


# --- Signing with the SDK.

def sign(manifest, ingredients=()):
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}, "verify": {"verify_after_sign": False}})
    builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
    for definition, data in ingredients:
        builder.add_ingredient(definition, "image/jpeg", io.BytesIO(data))
    with open(os.path.join(KEYS, "fixtures-chain.pem"), "rb") as chain, open(os.path.join(KEYS, "fixtures-signer.key"), "rb") as key:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain.read(), key.read(), None))
    out = io.BytesIO()
    with open(SOURCE, "rb") as handle:
        builder.sign(signer, "image/jpeg", io.BytesIO(handle.read()), out)
    return out.getvalue()


def child(name, parent, actions, extra=(), redactions=None, title_room=0):
    manifest = {"claim_generator_info": GENERATOR, "title": f"{name}.jpg" + "." * title_room,
                "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}] + list(extra)}
    if redactions is not None:
        manifest["redactions"] = redactions
    return sign(manifest, [(PARENT_INGREDIENT, parent)])


def make(name, parent, parent_label):
    secret = assertion_uri(parent_label, SECRET["label"])
    if name == "redacted":
        return child(name, parent, [OPENED, redacted(secret)], redactions=[secret])
    if name == "redacted-without-action":
        return child(name, parent, [OPENED], redactions=[secret])
    if name == "redaction-unresolvable":
        return child(name, parent, [OPENED, redacted(assertion_uri(ABSENT_MANIFEST, SECRET["label"]))])
    # The rest: a child the Builder signs without redactions, whose claim then gains redacted_assertions
    # naming one assertion, which stays where it is (the child's own label is known only once signed).
    def edit(claim, child_label):
        target = {
            "redacted-actions": assertion_uri(parent_label, "c2pa.actions.v2"),
            "redacted-hash": assertion_uri(parent_label, "c2pa.hash.data"),
            "redacted-self": assertion_uri(child_label, NOTE["label"]),
            "redacted-still-present": secret,
        }[name]
        # Where c2pa-rs writes the field: after dc:title, before alg.
        alg = claim.pop("alg", None)
        claim["redacted_assertions"] = [target]
        if alg is not None:
            claim["alg"] = alg

    extra = [NOTE] if name == "redacted-self" else []
    return resign(child(name, parent, [OPENED], extra, title_room=TITLE_ROOM), edit)


# name: (rule, the SDK's verdict)
CASES = {
    "redacted": ("a parentOf ingredient's assertion redacted by the Builder, with a c2pa.redacted action naming it",
                 ("Trusted", [])),
    "redacted-without-action": ("a parentOf ingredient's assertion redacted by the Builder, no c2pa.redacted action",
                                ("Trusted", [])),
    "redaction-unresolvable": ("a c2pa.redacted action names a manifest that is not in the store",
                               ("Invalid", ["assertion.action.redactionMismatch"])),
    "redacted-actions": ("redacted_assertions names the parent's actions assertion, left in place",
                         ("Invalid", ["assertion.action.redacted", "assertion.notRedacted"])),
    "redacted-hash": ("redacted_assertions names the parent's c2pa.hash.data, left in place",
                      ("Invalid", ["assertion.hardBinding.redacted", "assertion.notRedacted"])),
    "redacted-self": ("redacted_assertions names an assertion of the claim itself",
                      ("Invalid", ["assertion.notRedacted", "assertion.selfRedacted"])),
    "redacted-still-present": ("redacted_assertions names the parent's com.example.secret, left in place",
                               ("Invalid", ["assertion.notRedacted"])),
}


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 64
    directory = argv[0]
    os.makedirs(directory, exist_ok=True)
    parent = sign({"claim_generator_info": GENERATOR, "title": "parent.jpg", "assertions": [
        {"label": "c2pa.actions", "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": AI}]}}, SECRET]})
    parent_label = active_manifest(parent)[0]
    try:
        write_cases(directory, [(name, rule, verdict) for name, (rule, verdict) in CASES.items()],
                    lambda name: make(name, parent, parent_label))
    except EditError as error:
        print(f"sdk_redaction_cases.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
