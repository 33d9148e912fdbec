#!/usr/bin/env python3
"""Compares ailabel's crJSON (`ailabel inspect --crjson`) with the reference SDK's `Reader.crjson()`.

    compare_crjson.py ASSET OURS.json [ASSET OURS.json]...

prints {"files": [{"asset", "sdkError"?, "differences": [...]}]}. What is compared, and what is
normalised because it legitimately differs (Docs/interop.md):
- the manifests' labels, in order (active first);
- per manifest, the assertion labels, `isUpdateManifest`, the claim's key (`claim.v2` or `claim`) and
  its created/gathered assertion URLs, the signature's algorithm and certificate serial number, issuer
  and subject;
- the values of the actions and hash.data assertions, hashed URIs compared by url and hash (the SDK
  adds an empty `pad`, drops or adds `alg`, and writes a v1 claim's assertion URLs absolute:
  `self#jumbf=/c2pa/LABEL/c2pa.assertions/X` for the `self#jumbf=c2pa.assertions/X` in the file);
- the active manifest's failure codes (both sides without trust anchors).
Not compared: `jsonGenerator`, `validationTime`/`specVersion` inside validationResults (the SDK's own
metadata), success and informational codes (the SDK reports some checks ailabel does not, such as
`signingCredential.ocsp.skipped`), explanations, and `ingredientDeltas`.
"""
import io
import json
import sys

import c2pa


def sdk_crjson(path):
    mime = "image/png" if path.lower().endswith(".png") else "image/jpeg"
    with open(path, "rb") as handle:
        return json.loads(c2pa.Reader(mime, io.BytesIO(handle.read())).crjson())


def relative(url):
    """A manifest's own assertion URL, as written (relative) or as the SDK rewrites it (absolute)."""
    if isinstance(url, str) and "/c2pa.assertions/" in url and url.startswith("self#jumbf=/c2pa/"):
        return "self#jumbf=c2pa.assertions/" + url.split("/c2pa.assertions/", 1)[1]
    return url


def normal(value):
    """Hashed URIs by url and hash only; everything else as is."""
    if isinstance(value, dict):
        if "url" in value and "hash" in value:
            return {"url": relative(value["url"]), "hash": value["hash"]}
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normal(v) for v in value]
    return value


def claim_of(manifest):
    for key in ("claim.v2", "claim"):
        if key in manifest:
            return key, manifest[key] or {}
    return None, {}


def urls(claim, key):
    return [relative(item.get("url")) for item in claim.get(key) or [] if isinstance(item, dict)]


def compare(ours, theirs):
    out = []
    ours_m, theirs_m = ours.get("manifests") or [], theirs.get("manifests") or []
    if [m.get("label") for m in ours_m] != [m.get("label") for m in theirs_m]:
        out.append({"what": "manifest labels", "ours": [m.get("label") for m in ours_m],
                    "sdk": [m.get("label") for m in theirs_m]})
    theirs_by_label = {m.get("label"): m for m in theirs_m}
    for mine in ours_m:
        label = mine.get("label")
        sdk = theirs_by_label.get(label)
        if sdk is None:
            continue
        if set(mine.get("assertions") or {}) != set(sdk.get("assertions") or {}):
            out.append({"what": "assertion labels", "manifest": label, "ours": sorted(mine.get("assertions") or {}),
                        "sdk": sorted(sdk.get("assertions") or {})})
        if mine.get("isUpdateManifest") != sdk.get("isUpdateManifest"):
            out.append({"what": "isUpdateManifest", "manifest": label})
        our_key, our_claim = claim_of(mine)
        sdk_key, sdk_claim = claim_of(sdk)
        if our_key != sdk_key:
            out.append({"what": "claim key", "manifest": label, "ours": our_key, "sdk": sdk_key})
        for key in ("created_assertions", "gathered_assertions", "assertions"):
            if urls(our_claim, key) != urls(sdk_claim, key):
                out.append({"what": "claim " + key, "manifest": label})
        ours_sig, sdk_sig = mine.get("signature") or {}, sdk.get("signature") or {}
        if ours_sig.get("algorithm") != sdk_sig.get("algorithm"):
            out.append({"what": "signature algorithm", "manifest": label, "ours": ours_sig.get("algorithm"), "sdk": sdk_sig.get("algorithm")})
        ours_cert, sdk_cert = ours_sig.get("certificateInfo") or {}, sdk_sig.get("certificateInfo") or {}
        for field in ("serialNumber", "issuer", "subject"):
            a, b = ours_cert.get(field), sdk_cert.get(field)
            if field == "serialNumber" and a and b:
                a, b = a.lower().lstrip("0"), b.lower().lstrip("0")
            if a != b:
                out.append({"what": "certificate " + field, "manifest": label, "ours": a, "sdk": b})
        for name, value in (mine.get("assertions") or {}).items():
            if name.split("__")[0] in ("c2pa.actions", "c2pa.actions.v2", "c2pa.hash.data"):
                other = (sdk.get("assertions") or {}).get(name)
                if other is not None and normal(value) != normal(other):
                    out.append({"what": "assertion value", "manifest": label, "assertion": name})
    if ours_m and theirs_m:
        ours_codes = sorted({f.get("code") for f in (ours_m[0].get("validationResults") or {}).get("failure") or []})
        sdk_codes = sorted({f.get("code") for f in (theirs_m[0].get("validationResults") or {}).get("failure") or []})
        if ours_codes != sdk_codes:
            out.append({"what": "active manifest failure codes", "ours": ours_codes, "sdk": sdk_codes})
    return out


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 64
    files = []
    for asset, ours_path in zip(argv[0::2], argv[1::2]):
        with open(ours_path, encoding="utf-8") as handle:
            ours = json.load(handle)
        try:
            theirs = sdk_crjson(asset)
        except Exception as error:  # noqa: BLE001 - the SDK's refusal is reported, not raised
            files.append({"asset": asset, "sdkError": f"{type(error).__name__}: {error}"[:300], "differences": []})
            continue
        files.append({"asset": asset, "differences": compare(ours, theirs)})
    print(json.dumps({"files": files}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
