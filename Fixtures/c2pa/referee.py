#!/usr/bin/env python3
"""The reference SDK (c2pa-rs, through c2pa-python) as a referee for ailabel's C2PA tests.

    referee.py read ASSET [--trust PEM]... [--trust-config CFG] [--allowed-list PEM] [--sidecar FILE.c2pa] [--mime TYPE] [--ocsp-fetch]
               [--fragment FRAGMENT]

With --fragment, ASSET is the init segment of a fragmented BMFF asset and the SDK validates it with
that one fragment (c2pa-python `Reader.with_fragment`, c2pa-rs `Reader::with_fragment`).

prints one JSON object: {"state": "Trusted"|"Valid"|"Invalid"|"absent"|"error",
"failure": [codes], "success": [codes], "informational": [codes],
"ingredients": [{"state"?, "failure": [...]}...], "digitalSourceTypes": [...], "error"?: msg}.
The codes are those of the active manifest (and its ingredient deltas in `ingredientFailure`).
Imported by make_fixtures.py; run by the Swift test suite with <repo>/.venv/bin/python.
"""
import io
import json
import sys

import c2pa


VENDOR_SOURCE_TYPE_PARAMETERS = ("com.adobe.digitalSourceType", "io.ailabel.digitalSourceType")


def context_for(trust_pems, trust_config=None, allowed_list=None, ocsp_fetch=False):
    """A context that trusts the given PEM bundles (and nothing else), with the extra EKU OIDs of a
    c2pa-rs store.cfg and an allowed list of end-entity certificates when given; with ocsp_fetch the
    SDK asks each signer's OCSP responder (verify.ocsp_fetch)."""
    config = {"verify": {"verify_trust": True, "verify_after_sign": False, "ocsp_fetch": ocsp_fetch}}
    trust = {}
    if trust_pems:
        trust["trust_anchors"] = "".join(open(p).read() for p in trust_pems)
    if trust_config:
        trust["trust_config"] = open(trust_config).read()
    if allowed_list:
        trust["allowed_list"] = open(allowed_list).read()
    if trust:
        config["trust"] = trust
    return c2pa.Context(settings=c2pa.Settings.from_dict(config))


def mime_for(path):
    lower = path.lower()
    if lower.endswith(".png"):
        return "image/png"
    if lower.endswith(".webp"):
        return "image/webp"
    if lower.endswith(".jxl"):
        return "image/jxl"
    if lower.endswith((".tif", ".tiff")):
        return "image/tiff"
    if lower.endswith(".dng"):
        return "image/dng"
    if lower.endswith(".gif"):
        return "image/gif"
    if lower.endswith((".mp4", ".m4s", ".m4v")):
        return "video/mp4"
    for suffix, mime in ((".wav", "audio/wav"), (".mp3", "audio/mpeg"), (".flac", "audio/flac"), (".webp", "image/webp")):
        if lower.endswith(suffix):
            return mime
    if lower.endswith(".avif"):
        return "image/avif"
    if lower.endswith((".heic", ".heif", ".hif")):
        return "image/heif"
    return "image/jpeg"


def codes(entries):
    return sorted({e.get("code") for e in entries or [] if e.get("code")})


def read(asset_path, trust_pems=(), sidecar=None, mime=None, trust_config=None, allowed_list=None, ocsp_fetch=False,
         fragment=None):
    mime = mime or mime_for(asset_path)
    data = open(asset_path, "rb").read()
    manifest = open(sidecar, "rb").read() if sidecar else None
    try:
        ctx = context_for(list(trust_pems), trust_config, allowed_list, ocsp_fetch)
        reader = c2pa.Reader(mime, io.BytesIO(data), manifest, context=ctx)
        if fragment:
            reader.with_fragment(mime, io.BytesIO(data), io.BytesIO(open(fragment, "rb").read()))
        store = json.loads(reader.json())
    except Exception as error:  # noqa: BLE001 - the referee reports whatever the SDK says
        text = str(error)
        state = "absent" if ("ManifestNotFound" in type(error).__name__ or "not found" in text.lower()
                             or "JumbfNotFound" in text) else "error"
        return {"state": state, "error": f"{type(error).__name__}: {text}",
                "failure": [], "success": [], "informational": []}
    results = store.get("validation_results") or {}
    active = results.get("activeManifest") or {}
    out = {
        "state": store.get("validation_state"),
        "failure": codes(active.get("failure")),
        "success": codes(active.get("success")),
        "informational": codes(active.get("informational")),
        "ingredientFailure": sorted({c for d in results.get("ingredientDeltas") or []
                                     for c in codes((d.get("validationDeltas") or {}).get("failure"))}),
        "validation_status": codes(store.get("validation_status")),
    }
    manifests = store.get("manifests") or {}
    active_label = store.get("active_manifest")
    sources = []
    active_manifest = manifests.get(active_label) or {}
    for assertion in active_manifest.get("assertions") or []:
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions") or []:
                if action.get("digitalSourceType"):
                    sources.append(action["digitalSourceType"])
                # Spec 2.4 forbids digitalSourceType on c2pa.opened: producers state it in a vendor parameter.
                for key in VENDOR_SOURCE_TYPE_PARAMETERS:
                    value = (action.get("parameters") or {}).get(key)
                    if isinstance(value, str):
                        sources.append(value)
    out["digitalSourceTypes"] = sources
    out["ingredients"] = [
        {"relationship": i.get("relationship"), "title": i.get("title"),
         "activeManifest": i.get("active_manifest")}
        for i in active_manifest.get("ingredients") or []
    ]
    out["manifestCount"] = len(manifests)
    return out


def main(argv):
    if len(argv) < 2 or argv[0] != "read":
        print(__doc__, file=sys.stderr)
        return 64
    asset = argv[1]
    trust, sidecar, mime, trust_config, allowed_list, ocsp_fetch, fragment = [], None, None, None, None, False, None
    rest = argv[2:]
    while rest:
        flag = rest.pop(0)
        if flag == "--trust":
            trust.append(rest.pop(0))
        elif flag == "--trust-config":
            trust_config = rest.pop(0)
        elif flag == "--allowed-list":
            allowed_list = rest.pop(0)
        elif flag == "--sidecar":
            sidecar = rest.pop(0)
        elif flag == "--mime":
            mime = rest.pop(0)
        elif flag == "--ocsp-fetch":
            ocsp_fetch = True
        elif flag == "--fragment":
            fragment = rest.pop(0)
        else:
            print(f"unknown flag {flag}", file=sys.stderr)
            return 64
    print(json.dumps(read(asset, trust, sidecar, mime, trust_config, allowed_list, ocsp_fetch, fragment), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
