#!/usr/bin/env python3
"""Signs small JPEGs that break C2PA 2.4's rules for a claim's own fields and boxes, and for the shape of
two assertions, and writes down the reference SDK's (c2pa-python) verdict on each: a claim without an
alg or with an unknown one, a claim whose signature field names another manifest's signature or is
written as a relative URI, a hard binding or an actions assertion listed among the gathered assertions,
a v2 claim in a box labelled c2pa.claim (the v1 label), an ingredient v3 that carries both an
activeManifest and a digitalSourceType, a c2pa.soft-binding assertion without its fields, an assertion
whose content is not CBOR (signed as it is). A control,
re-signed without any change, shows that the editing and signing machinery works. The SDK's Reader
judges them, and so does ailabel (the Swift claim agreement test).

    sdk_claim_cases.py DIRECTORY

writes DIRECTORY/NAME.jpg for every case and DIRECTORY/cases.json: [{"name", "rule", "sdk": {"state",
"failure"}}], where "sdk" is the verdict the SDK gave when the case was written down (the test checks
that the installed SDK still gives it, so a change of the referee is seen, not absorbed). A state of
"error" means the SDK's Reader refuses the file (its failure list is then empty). Signed under the
fixtures' PKI (Fixtures/c2pa/keys); the parent ingredient is made here, the source image signed with a
c2pa.created action.

The claim cases are made by editing the claim of an image the Builder signed (its actions and its
c2pa.hash.data both listed in created_assertions) and signing it again with the fixtures' ES256 key,
with sdk_redaction_cases.py's helpers: the edit keeps the claim's CBOR at its byte length (the room is
taken from, or given to, a padded dc:title) so that no JUMBF box, APP11 segment or data-hash exclusion
changes, and the COSE signature keeps its protected header and its length. The Builder drops a
digitalSourceType given in an ingredient's definition, so the ingredient case edits the Builder's
ingredient v3 assertion the same way (at its byte length, from a padded dc:title) and signs the claim
again with the assertion's new hash. The v2 claim in a v1 box is the exception: its box description
shrinks by three bytes, so the lengths of the claim, manifest and store superboxes, of the APP11 segment
and of the data hash's exclusion shrink with it (the asset's hash does not change: the excluded bytes are
all that moved), and the claim is signed again with the c2pa.hash.data assertion's new hash. The soft
binding is the Builder's own. The script exits non-zero, saying why, when an edit cannot be made or a
case does not hold what it is meant to.

What the SDK (c2pa-rs 0.91.3) says: without an alg, the Reader refuses the file ("unknown algorithm");
alg "sha1" is read but no assertion's hash matches (assertion.hashedURI.mismatch); a signature field
naming another manifest is claimSignature.missing, while the relative form is accepted; a gathered hard
binding makes the Reader refuse the file ("claim missing hard binding"), while a gathered actions
assertion is what the Builder writes by default and is Trusted; the box label is not checked against
the claim's version (Trusted); the ingredient with both fields is assertion.ingredient.malformed and the
soft binding {"foo": 1} claim.malformed.
"""
import hashlib
import json
import os
import struct
import sys

from sdk_rule_cases import write_cases
from sdk_redaction_cases import (encoded_at_length, EditError, cbor_decode, cbor_encode, child_boxes, jumbf_span,
                                 resign, sign, superbox)

AI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
GENERATOR = [{"name": "sdk_claim_cases.py", "version": "1"}]
CREATED = {"action": "c2pa.created", "digitalSourceType": AI}
OPENED = {"action": "c2pa.opened", "parameters": {"ingredientIds": ["p0"]}}
# The padding a re-signed image's dc:title carries, for edits that lengthen the claim (moving a reference
# to gathered_assertions adds that key, about 21 bytes); edits that shorten it (the relative signature
# URI is about 52 bytes shorter) lengthen the title by SHRINK_ROOM dots, which the re-signing trims back.
TITLE_ROOM = 64
SHRINK_ROOM = 128
# No manifest of that label is in any store.
ABSENT_SIGNATURE = "self#jumbf=/c2pa/urn:c2pa:00000000-0000-0000-0000-000000000000/c2pa.signature"
# The order in which c2pa-rs writes a v2 claim's fields; a moved reference keeps it.
CLAIM_ORDER = ("instanceID", "claim_generator_info", "signature", "created_assertions", "gathered_assertions",
               "dc:title", "redacted_assertions", "alg")


def base(name):
    """The image the claim cases edit: the source signed with its actions and its hard binding created."""
    return sign({"claim_generator_info": GENERATOR, "title": f"{name}.jpg" + "." * TITLE_ROOM,
                 "assertions": [{"label": "c2pa.actions", "created": True, "data": {"actions": [CREATED]}}]})


def room(edit):
    """edit, followed by SHRINK_ROOM more dots of title for the re-signing to trim."""
    def padded(claim, label):
        edit(claim, label)
        claim["dc:title"] += "." * SHRINK_ROOM
    return padded


def move(label, source, target):
    """An edit moving the reference to the assertion `label` from the claim's source list to its target list."""
    def edit(claim, _):
        references = [ref for ref in claim.get(source, []) if ref["url"].endswith(f"/{label}")]
        if len(references) != 1:
            raise EditError(f"the claim's {source} has {len(references)} references to {label}, not one")
        claim[source] = [ref for ref in claim[source] if ref is not references[0]]
        claim[target] = claim.get(target, []) + references
        fields = dict(claim)
        claim.clear()
        claim.update({key: fields.pop(key) for key in CLAIM_ORDER if key in fields})
        claim.update(fields)
    return edit


def setting(field, value):
    def edit(claim, _):
        if field not in claim:
            raise EditError(f"the claim has no {field}")
        claim[field] = value
    return edit


def removing(field):
    def edit(claim, _):
        if claim.pop(field, None) is None:
            raise EditError(f"the claim has no {field}")
    return edit


def nothing(claim, _):
    pass


# --- A manifest's boxes; the v2 claim in a c2pa.claim box.

def manifest_boxes(data):
    """The APP11 marker's offset and the (start, body, end, type) of the store, the active manifest and its parts
    {label: superbox}."""
    start, end = jumbf_span(data)
    store = child_boxes(data, start, end)[0]
    manifest = superbox(data, store)[1][-1]
    parts = {superbox(data, part)[0]: part for part in superbox(data, manifest)[1]}
    return start - 12, store, manifest, parts


def assertion_box(data, parts, label):
    found = [box for box in superbox(data, parts["c2pa.assertions"])[1] if superbox(data, box)[0] == label]
    if len(found) != 1:
        raise EditError(f"the active manifest has {len(found)} {label} assertions, not one")
    return found[0]


def box_hash(data, box):
    """The hash a claim's hashed URI gives an assertion: SHA-256 of its superbox without the box header."""
    return hashlib.sha256(bytes(data[box[1]:box[2]])).digest()


def claim_in_v1_box(data):
    data = bytearray(data)
    app11, store, manifest, parts = manifest_boxes(data)
    claim = parts.get("c2pa.claim.v2")
    if claim is None:
        raise EditError("the active manifest has no c2pa.claim.v2 box")
    hard_binding = assertion_box(data, parts, "c2pa.hash.data")
    claim_fields = cbor_decode(bytes(data[child_boxes(data, claim[1], claim[2])[1][1]:claim[2]]))
    listed = [ref["hash"] for ref in claim_fields["created_assertions"] if ref["url"].endswith("/c2pa.hash.data")]
    if listed != [box_hash(data, hard_binding)]:
        raise EditError("the claim's hash of c2pa.hash.data is not the one computed here")
    # Relabel the claim box's description: "c2pa.claim.v2\0" becomes "c2pa.claim\0".
    description = child_boxes(data, claim[1], claim[2])[0]
    text = description[1] + 17
    old = b"c2pa.claim.v2\0"
    if bytes(data[text:text + len(old)]) != old:
        raise EditError("the claim box's description is not labelled c2pa.claim.v2")
    delta = len(b"c2pa.claim\0") - len(old)
    data[text:text + len(old)] = b"c2pa.claim\0"
    for box in (description, claim, manifest, store):
        size = struct.unpack(">I", data[box[0]:box[0] + 4])[0]
        data[box[0]:box[0] + 4] = struct.pack(">I", size + delta)
    segment = struct.unpack(">H", data[app11 + 2:app11 + 4])[0]
    data[app11 + 2:app11 + 4] = struct.pack(">H", segment + delta)
    # The data hash excludes the APP11 segment (its marker to its end).
    _, _, _, parts = manifest_boxes(data)
    hard_binding = assertion_box(data, parts, "c2pa.hash.data")
    content = child_boxes(data, hard_binding[1], hard_binding[2])[1]
    old = bytes(data[content[1]:content[2]])
    binding = cbor_decode(old)
    if cbor_encode(binding) != old:
        raise EditError("the data hash does not re-encode to its own bytes")
    excluded = [exclusion for exclusion in binding.get("exclusions", []) if exclusion.get("start") == app11]
    if len(excluded) != 1 or excluded[0]["length"] != segment + 2:
        raise EditError("the data hash does not exclude exactly the APP11 segment")
    excluded[0]["length"] += delta
    # Keep the assertion's length: what the exclusion's CBOR head gains or loses, the pad gives or takes.
    pad = binding.get("pad", b"")
    for size in range(len(pad) + 8, -1, -1):
        binding["pad"] = bytes(size)
        new = cbor_encode(binding)
        if len(new) <= len(old):
            break
    if len(new) != len(old):
        raise EditError(f"the data hash is {len(new)} bytes, not {len(old)}: its pad cannot make up")
    data[content[1]:content[2]] = new
    new_hash = box_hash(data, hard_binding)

    def edit(claim_fields, _):
        for ref in claim_fields["created_assertions"]:
            if ref["url"].endswith("/c2pa.hash.data"):
                ref["hash"] = new_hash
    return resign(bytes(data), edit)


# --- The ingredient and the soft binding.

def parent():
    return sign({"claim_generator_info": GENERATOR, "title": "parent.jpg",
                 "assertions": [{"label": "c2pa.actions", "data": {"actions": [CREATED]}}]})


def assertion(data, label):
    _, _, _, parts = manifest_boxes(data)
    box = assertion_box(data, parts, label)
    content = child_boxes(data, box[1], box[2])[1]
    return cbor_decode(bytes(data[content[1]:content[2]]))


def ingredient_with_source_type(name):
    """A child of parent() whose ingredient v3 assertion gains a digitalSourceType: the Builder drops one given
    in an ingredient's definition, so the assertion is edited (at its byte length, the room taken from a padded
    dc:title, as a claim's) and the claim signed again with its new hash."""
    definition = {"title": "parent.jpg" + "." * SHRINK_ROOM, "relationship": "parentOf", "label": "p0"}
    data = bytearray(sign({"claim_generator_info": GENERATOR, "title": f"{name}.jpg",
                           "assertions": [{"label": "c2pa.actions", "data": {"actions": [OPENED]}}]},
                          [(definition, parent())]))
    label = "c2pa.ingredient.v3"
    _, _, _, parts = manifest_boxes(data)
    box = assertion_box(data, parts, label)
    content = child_boxes(data, box[1], box[2])[1]
    old = bytes(data[content[1]:content[2]])
    ingredient = cbor_decode(old)
    if cbor_encode(ingredient) != old:
        raise EditError("the ingredient does not re-encode to its own bytes")
    if "activeManifest" not in ingredient or "digitalSourceType" in ingredient:
        raise EditError("the Builder's ingredient v3 has no activeManifest, or has a digitalSourceType already")
    ingredient["digitalSourceType"] = AI
    return with_assertion_content(data, label, encoded_at_length(ingredient, len(old), "ingredient"))


def with_assertion_content(data, label, content_bytes):
    """data with the CBOR content of the active manifest's assertion `label` replaced by content_bytes (of
    the same length), the claim's hash of that assertion updated and the claim signed again."""
    data = bytearray(data)
    _, _, _, parts = manifest_boxes(data)
    box = assertion_box(data, parts, label)
    content = child_boxes(data, box[1], box[2])[1]
    if len(content_bytes) != content[2] - content[1]:
        raise EditError(f"the new content of {label} is not {content[2] - content[1]} bytes")
    before = box_hash(data, box)
    data[content[1]:content[2]] = content_bytes
    after = box_hash(data, box)

    def edit(claim, _):
        references = [ref for key in ("created_assertions", "gathered_assertions") for ref in claim.get(key, [])
                      if ref["url"].endswith(f"/{label}")]
        if [ref["hash"] for ref in references] != [before]:
            raise EditError(f"the claim's hash of {label} is not the one computed here")
        references[0]["hash"] = after
    return resign(bytes(data), edit)


def assertion_cbor_invalid(name):
    """A child whose custom assertion's content is not CBOR (its bytes all 0xFF, a break code outside any
    indefinite-length item), signed as it is: its hash matches, only its content is wrong."""
    data = sign({"claim_generator_info": GENERATOR, "title": f"{name}.jpg", "assertions": [
        {"label": "c2pa.actions", "data": {"actions": [CREATED]}}, {"label": "com.example.note", "data": {"note": "x" * 16}}]})
    _, _, _, parts = manifest_boxes(data)
    box = assertion_box(data, parts, "com.example.note")
    content = child_boxes(data, box[1], box[2])[1]
    return with_assertion_content(data, "com.example.note", b"\xff" * (content[2] - content[1]))


def soft_binding_malformed(name):
    data = sign({"claim_generator_info": GENERATOR, "title": f"{name}.jpg", "assertions": [
        {"label": "c2pa.actions", "data": {"actions": [CREATED]}}, {"label": "c2pa.soft-binding", "data": {"foo": 1}}]})
    if assertion(data, "c2pa.soft-binding") != {"foo": 1}:
        raise EditError("the Builder did not write the c2pa.soft-binding assertion as given")
    return data


def make(name):
    if name == "ingredient-v3-source-type-and-manifest":
        return ingredient_with_source_type(name)
    if name == "soft-binding-malformed":
        return soft_binding_malformed(name)
    if name == "assertion-cbor-invalid":
        return assertion_cbor_invalid(name)
    if name == "v2-claim-in-v1-box":
        return claim_in_v1_box(base(name))
    edit = {
        "resigned-unchanged": nothing,
        "claim-no-alg": removing("alg"),
        "claim-alg-unknown": setting("alg", "sha1"),
        "claim-signature-elsewhere": setting("signature", ABSENT_SIGNATURE),
        "claim-signature-relative": setting("signature", "self#jumbf=c2pa.signature"),
        "hard-binding-gathered": move("c2pa.hash.data", "created_assertions", "gathered_assertions"),
        "actions-gathered": move("c2pa.actions.v2", "created_assertions", "gathered_assertions"),
    }[name]
    return resign(base(name), room(edit))


# name: (rule, the SDK's verdict)
CASES = {
    "resigned-unchanged": ("control: the claim signed again as the Builder wrote it", ("Trusted", [])),
    "assertion-cbor-invalid": ("an assertion whose content is not CBOR, signed as it is", ("Invalid", ["assertion.cbor.invalid", "assertion.required.missing"])),
    "claim-no-alg": ("a claim without alg", ("error", [])),
    "claim-alg-unknown": ("a claim whose alg is sha1", ("Invalid", ["assertion.hashedURI.mismatch"])),
    "claim-signature-elsewhere": ("a claim's signature field names another manifest's c2pa.signature",
                                  ("Invalid", ["claimSignature.missing"])),
    "claim-signature-relative": ("a claim's signature field is the relative URI self#jumbf=c2pa.signature",
                                 ("Trusted", [])),
    "hard-binding-gathered": ("the claim lists its c2pa.hash.data in gathered_assertions", ("error", [])),
    "actions-gathered": ("the claim lists its actions assertion in gathered_assertions", ("Trusted", [])),
    "v2-claim-in-v1-box": ("a v2 claim in a JUMBF box labelled c2pa.claim", ("Trusted", [])),
    "ingredient-v3-source-type-and-manifest": ("an ingredient v3 with both activeManifest and digitalSourceType",
                                               ("Invalid", ["assertion.ingredient.malformed"])),
    "soft-binding-malformed": ("a c2pa.soft-binding assertion {\"foo\": 1}", ("Invalid", ["claim.malformed"])),
}


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 64
    directory = argv[0]
    os.makedirs(directory, exist_ok=True)
    try:
        write_cases(directory, [(name, rule, verdict) for name, (rule, verdict) in CASES.items()], make)
    except EditError as error:
        print(f"sdk_claim_cases.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
