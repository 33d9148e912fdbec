#!/usr/bin/env python3
"""Signs, with the reference SDK (c2pa-python), one small JPEG per rule of C2PA 2.4's claim and actions
validation (section 15.10.3) that a manifest can break while its bytes and signature stay intact: an
action naming an ingredient of the wrong relationship, a watermark action without a soft binding, two
opening actions, a translation without its languages, an empty list of related assertions, a claim
generator without a name, two actions assertions in a v1 claim; and, beside each, a manifest that keeps
the rule. The SDK's Builder signs all of them; its Reader then judges them, and so does ailabel
(`SDKRuleAgreementTests`).

    sdk_rule_cases.py DIRECTORY

writes DIRECTORY/NAME.jpg for every case and DIRECTORY/cases.json: [{"name", "rule", "sdk": {"state",
"failure"}}], where "sdk" is the verdict the SDK gave when the case was written down (the test checks
that the installed SDK still gives it, so a change of the referee is seen, not absorbed). Signed under
the fixtures' PKI (Fixtures/c2pa/keys), the parent ingredient is Fixtures/c2pa/sdk/signed.jpg.
"""
import io
import json
import os
import sys

import c2pa

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "keys")
SOURCE = os.path.join(HERE, "sources", "small-160x120.jpg")
PARENT = os.path.join(HERE, "sdk", "signed.jpg")
AI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CREATED = {"action": "c2pa.created", "digitalSourceType": AI}
SOFT_BINDING = {"label": "c2pa.soft-binding", "data": {"alg": "com.example.mark", "blocks": [{"scope": {}, "value": "abc"}]}}


def ingredient(label, relationship):
    return {"title": f"{label}.jpg", "relationship": relationship, "label": label}


def opened(label):
    return {"action": "c2pa.opened", "parameters": {"ingredientIds": [label]}}


# name: (rule, actions, extra assertions, ingredients, manifest fields, the SDK's verdict)
CASES = {
    "opened-parent": ("c2pa.opened names a parentOf ingredient", [opened("p0")], [], [ingredient("p0", "parentOf")], {},
                      ("Trusted", [])),
    "opened-component": ("c2pa.opened names a componentOf ingredient", [opened("c0")], [], [ingredient("c0", "componentOf")], {},
                         ("Invalid", ["assertion.action.ingredientMismatch"])),
    "placed-component": ("c2pa.placed names a componentOf ingredient",
                         [CREATED, {"action": "c2pa.placed", "parameters": {"ingredientIds": ["c0"]}}], [],
                         [ingredient("c0", "componentOf")], {}, ("Trusted", [])),
    "placed-parent": ("c2pa.placed names a parentOf ingredient",
                      [CREATED, {"action": "c2pa.placed", "parameters": {"ingredientIds": ["p0"]}}], [],
                      [ingredient("p0", "parentOf")], {}, ("Invalid", ["assertion.action.ingredientMismatch"])),
    "placed-input": ("c2pa.placed names an inputTo ingredient",
                     [CREATED, {"action": "c2pa.placed", "parameters": {"ingredientIds": ["i0"]}}], [],
                     [ingredient("i0", "inputTo")], {}, ("Invalid", ["assertion.action.ingredientMismatch"])),
    "transcoded-component": ("c2pa.transcoded names a componentOf ingredient",
                             [opened("p0"), {"action": "c2pa.transcoded", "parameters": {"ingredientIds": ["c0"]}}], [],
                             [ingredient("p0", "parentOf"), ingredient("c0", "componentOf")], {},
                             ("Invalid", ["assertion.action.ingredientMismatch"])),
    "watermarked": ("c2pa.watermarked without a soft binding", [CREATED, {"action": "c2pa.watermarked"}], [], [], {},
                    ("Invalid", ["assertion.action.softBindingMissing"])),
    "watermarked-bound": ("c2pa.watermarked.bound without a soft binding", [CREATED, {"action": "c2pa.watermarked.bound"}], [], [],
                          {}, ("Invalid", ["assertion.action.softBindingMissing"])),
    "watermarked-bound-soft-binding": ("c2pa.watermarked.bound with a soft binding",
                                       [CREATED, {"action": "c2pa.watermarked.bound"}], [SOFT_BINDING], [], {}, ("Trusted", [])),
    "watermarked-unbound": ("c2pa.watermarked.unbound without a soft binding", [CREATED, {"action": "c2pa.watermarked.unbound"}],
                            [], [], {}, ("Trusted", [])),
    "two-created": ("two c2pa.created actions", [CREATED, CREATED], [], [], {}, ("Invalid", ["assertion.action.malformed"])),
    "opened-then-created": ("c2pa.opened then c2pa.created", [opened("p0"), CREATED], [], [ingredient("p0", "parentOf")], {},
                            ("Invalid", ["assertion.action.malformed"])),
    "translated": ("c2pa.translated with its languages",
                   [CREATED, {"action": "c2pa.translated", "parameters": {"sourceLanguage": "en", "targetLanguage": "kk"}}], [], [],
                   {}, ("Trusted", [])),
    "translated-no-languages": ("c2pa.translated without its languages", [CREATED, {"action": "c2pa.translated"}], [], [], {},
                                ("Invalid", ["assertion.action.malformed"])),
    "related-empty": ("an action's relatedAssertions is empty",
                      [CREATED, {"action": "c2pa.edited", "parameters": {"relatedAssertions": []}}], [], [], {},
                      ("Invalid", ["assertion.action.malformed"])),
    "generator-unnamed": ("claim_generator_info with an empty name", [CREATED], [], [],
                          {"claim_generator_info": [{"name": ""}]}, ("Invalid", ["claim.malformed"])),
    "v1-two-actions": ("a v1 claim with two actions assertions", [CREATED], [{"label": "c2pa.actions", "data": {"actions": [
        {"action": "c2pa.edited"}]}}], [], {"claim_version": 1, "claim_generator": "sdk_rule_cases/1"},
        ("Invalid", ["assertion.action.malformed"])),
}


def sign(directory, name, actions, extra, ingredients, fields):
    manifest = {"claim_generator_info": [{"name": "sdk_rule_cases.py", "version": "1"}], "title": f"{name}.jpg",
                "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}] + extra}
    manifest.update(fields)
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}, "verify": {"verify_after_sign": False}})
    builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
    for definition in ingredients:
        with open(PARENT, "rb") as handle:
            builder.add_ingredient(definition, "image/jpeg", io.BytesIO(handle.read()))
    with open(os.path.join(KEYS, "fixtures-chain.pem"), "rb") as chain, open(os.path.join(KEYS, "fixtures-signer.key"), "rb") as key:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain.read(), key.read(), None))
    out = io.BytesIO()
    with open(SOURCE, "rb") as handle:
        builder.sign(signer, "image/jpeg", io.BytesIO(handle.read()), out)
    with open(os.path.join(directory, f"{name}.jpg"), "wb") as handle:
        handle.write(out.getvalue())


def write_cases(directory, cases, make):
    """Writes DIRECTORY/NAME.jpg (make(name) gives its bytes) and DIRECTORY/cases.json for cases, a list of
    (name, rule, (state, failure)); the case scripts share it."""
    os.makedirs(directory, exist_ok=True)
    index = []
    for name, rule, (state, failure) in cases:
        try:
            data = make(name)
        except Exception as error:
            raise type(error)(f"cannot make {name}: {error}") from error
        with open(os.path.join(directory, f"{name}.jpg"), "wb") as handle:
            handle.write(data)
        index.append({"name": name, "rule": rule, "sdk": {"state": state, "failure": failure}})
    with open(os.path.join(directory, "cases.json"), "w") as handle:
        json.dump(index, handle, indent=1)


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 64
    directory = argv[0]

    def make(name):
        _, actions, extra, ingredients, fields, _ = CASES[name]
        sign(directory, name, actions, extra, ingredients, fields)
        with open(os.path.join(directory, f"{name}.jpg"), "rb") as handle:
            return handle.read()

    write_cases(directory, [(name, case[0], case[5]) for name, case in CASES.items()], make)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
