#!/usr/bin/env python3
"""Makes files signed by the reference SDK whose manifests fire the C2PA Asset Rubrics signals, the
way producers write them: Firefly-like (created, trainedAlgorithmicMedia), a generative fill
(opened, then c2pa.edited with compositeWithTrainedAlgorithmicMedia... as Photoshop writes it), a
partner-model file whose c2pa.opened carries Adobe's vendor parameter com.adobe.digitalSourceType, a
composite, a screen capture, a camera capture, and an ingredient of unknown provenance.

Run from the repository root:  .venv/bin/python Fixtures/c2pa/make_signal_fixtures.py
It signs with the existing test key Fixtures/c2pa/keys/fixtures-signer.key (TEST-ONLY) and writes
Fixtures/c2pa/signals/NAME.jpg with NAME.expected.json: the signals Fixtures/c2pa/rubric.py finds in
the SDK's crJSON of each manifest (active first).
"""
import io
import json
import os
import subprocess
import sys

import c2pa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures  # noqa: E402

OUT = os.path.join(HERE, "signals")
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def sign(manifest, data, ingredient=None):
    key = open(os.path.join(HERE, "keys", "fixtures-signer.key")).read()
    chain = open(os.path.join(HERE, "keys", "fixtures-chain.pem")).read()
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                        "verify": {"verify_after_sign": False}})
    builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
    if ingredient is not None:
        builder.add_ingredient({"title": "source.jpg", "relationship": "parentOf", "label": "parent"},
                               "image/jpeg", io.BytesIO(ingredient))
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain.encode(), key.encode(), None))
    out = io.BytesIO()
    builder.sign(signer, "image/jpeg", io.BytesIO(data), out)
    return out.getvalue()


def manifest(title, actions, all_included=True):
    data = {"actions": actions}
    if all_included:
        data["allActionsIncluded"] = True
    return {"claim_generator_info": [{"name": "make_signal_fixtures.py", "version": "1"}], "title": title,
            "assertions": [{"label": "c2pa.actions.v2", "data": data}]}


def opened():
    return {"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}}


def main():
    os.makedirs(OUT, exist_ok=True)
    image = make_fixtures.source_image(96, 72, "jpeg", 11)
    unsigned_parent = make_fixtures.source_image(96, 72, "jpeg", 12)
    files = {
        "firefly-like.jpg": sign(manifest("firefly-like.jpg", [
            {"action": "c2pa.created", "digitalSourceType": IPTC + "trainedAlgorithmicMedia"}]), image),
        "generative-fill.jpg": sign(manifest("generative-fill.jpg", [
            opened(), {"action": "c2pa.edited", "digitalSourceType": IPTC + "compositeWithTrainedAlgorithmicMedia",
                       "description": "Generative fill"}]), image, ingredient=unsigned_parent),
        "partner-model.jpg": sign(manifest("partner-model.jpg", [
            {"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"],
                                                     "com.adobe.digitalSourceType": IPTC + "trainedAlgorithmicMedia"}}]),
            image, ingredient=unsigned_parent),
        "partly-ai.jpg": sign(manifest("partly-ai.jpg", [
            {"action": "c2pa.created", "digitalSourceType": IPTC + "compositeWithTrainedAlgorithmicMedia"}]), image),
        "composite.jpg": sign(manifest("composite.jpg", [
            {"action": "c2pa.created", "digitalSourceType": IPTC + "composite"},
            {"action": "c2pa.edited", "digitalSourceType": IPTC + "digitalArt"}]), image),
        "screen-capture.jpg": sign(manifest("screen-capture.jpg", [
            {"action": "c2pa.created", "digitalSourceType": IPTC + "screenCapture"}], all_included=False), image),
        "camera.jpg": sign(manifest("camera.jpg", [
            {"action": "c2pa.created", "digitalSourceType": IPTC + "digitalCapture"},
            {"action": "c2pa.resized.proportional"}]), image),
    }
    for name, data in files.items():
        path = os.path.join(OUT, name)
        with open(path, "wb") as handle:
            handle.write(data)
        result = subprocess.run([sys.executable, os.path.join(HERE, "rubric.py"), "signals", path],
                                capture_output=True, text=True, check=True)
        signals = json.loads(result.stdout)
        with open(path + ".expected.json", "w") as handle:
            json.dump(signals, handle, indent=2, sort_keys=True)
            handle.write("\n")
        print(name, [m["signals"] for m in signals["manifests"]])


if __name__ == "__main__":
    main()
