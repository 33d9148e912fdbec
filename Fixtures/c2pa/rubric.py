#!/usr/bin/env python3
"""The C2PA conformance program's asset rubrics, evaluated on crJSON (the reference SDK's `Reader.crjson()`).

    rubric.py conformance ASSET [--rubric FILE.yml] [--crjson FILE.json]
    rubric.py signals ASSET [--rubric FILE.yml] [--crjson FILE.json]

`conformance` evaluates every rule of the conformance rubric (default:
../shared/conformance/asset-rubric-conformance0.2-spec2.4.yml beside the repository) on the active
manifest and prints {"rules": {id: {"passed": bool, "warning": bool, "matches": [...]}}, "failed": [ids],
"unimplemented": [ids]}. `signals` evaluates the local signals rubric (asset-rubric-signals-local.yml)
on every manifest and prints {"manifests": [{"label": ..., "signals": [ids that fired]}]}.

The rubric's rules are json-formula expressions; the json-formula package is not served by the
machine's registries, so each rule id is implemented here by hand, reading the rule's variables
(the action and assertion lists, the error-code lists) and its failIfMatched / warnIfMatched flags
from the YAML itself. A rule id in the YAML with no implementation is reported as "unimplemented"
(the tests fail on it), so a newer rubric cannot pass unread. The crJSON comes from the reference
SDK (c2pa-python in .venv) unless --crjson names a file (ailabel's own `inspect --crjson`).
"""
import io
import json
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFORMANCE = os.path.join(ROOT, "..", "shared", "conformance")
DEFAULT_RUBRIC = os.path.join(CONFORMANCE, "asset-rubric-conformance0.2-spec2.4.yml")
DEFAULT_SIGNALS = os.path.join(CONFORMANCE, "asset-rubric-signals-local.yml")
EXPECTED_SPEC_VERSION = "2.4"


def load_rubric(path):
    """(variables, rules) of a rubric file: its first document's variables, its second's rule list."""
    with open(path, encoding="utf-8") as handle:
        documents = list(yaml.safe_load_all(handle))
    header = documents[0] or {}
    rules = [rule for document in documents[1:] for rule in (document or [])]
    variables = {name.lstrip("$"): value for name, value in (header.get("variables") or {}).items()}
    return variables, rules


def crjson_of(asset_path):
    import c2pa
    mime = "image/png" if asset_path.lower().endswith(".png") else "image/jpeg"
    with open(asset_path, "rb") as handle:
        reader = c2pa.Reader(mime, io.BytesIO(handle.read()))
    return json.loads(reader.crjson())


# MARK: the manifest accessors of globals-manifest.yml


def assertions(manifest):
    return (manifest or {}).get("assertions") or {}


def actions_v2(manifest):
    """values(assertions)[?actions != null][].actions[]: every action of every actions assertion."""
    out = []
    for value in assertions(manifest).values():
        if isinstance(value, dict) and value.get("actions") is not None:
            out += [a for a in value.get("actions") or [] if isinstance(a, dict)]
    return out


def claim_v2(manifest):
    return (manifest or {}).get("claim.v2") or {}


def ingredient_assertions(manifest):
    return [v for v in assertions(manifest).values() if isinstance(v, dict) and v.get("relationship") is not None]


def validation_results(manifest):
    return (manifest or {}).get("validationResults") or {"failure": [{"code": "MISSING_VALIDATION_RESULTS"}]}


def base_label(label):
    return label.split("__")[0]


def version_at_least(text, major, minor):
    parts = (text or "0.0").split(".")
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0) >= (major, minor)


# MARK: the conformance rules, by id. Each returns its matches (a list: a failIfMatched rule fails
# when it is not empty) or a boolean (a rule without failIfMatched fails when it is false).


def conformance_rules(v):
    def dst_perceptible(m):
        return [a.get("action") for a in actions_v2(m)
                if str(a.get("action", "")).startswith("c2pa.")
                and a.get("action") not in v["inception_actions"]
                and a.get("action") not in v["non_editorial_actions"]
                and a.get("action") not in v["dst_exempt_perceptible_actions"]
                and a.get("digitalSourceType") is None]

    def spec_version(m):
        info = claim_v2(m).get("claim_generator_info")
        if isinstance(info, list):
            info = info[0] if info else {}
        value = (info or {}).get("specVersion")
        if value is None:
            return ["missing"] if version_at_least(EXPECTED_SPEC_VERSION, 2, 4) else []
        if not isinstance(value, str):
            return [value]
        ours, expected = value.split("."), EXPECTED_SPEC_VERSION.split(".")
        return [] if ours[:2] == expected[:2] else [value]

    def all_actions_included(m):
        return not [a for a in assertions(m).values()
                    if isinstance(a, dict) and a.get("actions") is not None and a.get("allActionsIncluded") is None]

    def no_dst_opened(m):
        if not version_at_least(EXPECTED_SPEC_VERSION, 2, 4):
            return []
        return [a["digitalSourceType"] for a in actions_v2(m)
                if a.get("action") == "c2pa.opened" and a.get("digitalSourceType") is not None]

    def failures_in(codes):
        return lambda m: [f.get("code") for f in validation_results(m).get("failure") or [] if f.get("code") in codes]

    def inception_position(m):
        urls = [c.get("url", "") for c in claim_v2(m).get("created_assertions") or [] if "c2pa.actions" in c.get("url", "")]
        first = urls[0] if urls else ""
        actions = actions_v2(m)
        return first.endswith("c2pa.actions.v2") and (
            not [a for a in actions if a.get("action") == "c2pa.created"]
            or actions[0].get("action") in ("c2pa.created", "c2pa.opened"))

    def deprecated_assertions(m):
        return [k for k in assertions(m) if k.startswith("stds.") or k in v["deprecated_assertion_labels"]]

    def unsupported_assertions(m):
        return [k for k in assertions(m) if k.startswith("c2pa.")
                and base_label(k) not in v["allowed_assertions"] and base_label(k) not in v["deprecated_assertion_labels"]]

    def custom_parameters(m):
        out = []
        for a in actions_v2(m):
            if isinstance(a.get("parameters"), dict):
                out += [k for k in a["parameters"] if k not in v["standard_parameters"] and "." not in k]
        return out

    def legacy_parameters(m):
        return [a.get("action") or "unknown" for a in actions_v2(m) if isinstance(a.get("parameters"), dict)
                and (a["parameters"].get("description") is not None or a["parameters"].get("ingredient") is not None)]

    def review_ratings(m):
        return not [a for a in assertions(m).values() if isinstance(a, dict) and a.get("reviewRatings") is not None
                    and (a.get("dataSource") or {}).get("type") in v["human_entry_source_types"]]

    def alternative_choice(m):
        bad = []
        for a in assertions(m).values():
            if not isinstance(a, dict):
                continue
            parameters = a.get("parameters") if isinstance(a.get("parameters"), dict) else {}
            if a.get("type") == "exif.originalPreservationImage" or parameters.get("type") == "exif.originalPreservationImage":
                both = parameters.get("multiAssetPartIndex") is not None and parameters.get("embeddedOriginalPreservationImage") is not None
                neither = parameters.get("multiAssetPartIndex") is None and parameters.get("embeddedOriginalPreservationImage") is None
                if both or neither:
                    bad.append(a)
        return not bad

    def forbidden_external(m):
        out = []
        for a in assertions(m).values():
            if isinstance(a, dict) and a.get("label") is not None and a.get("url") is not None and a.get("relationship") is None:
                label = str(a["label"])
                if label in ("c2pa.actions", "c2pa.actions.v2", "c2pa.cloud-data", "c2pa.external-reference") \
                        or label.startswith("c2pa.hash") or label.startswith("c2pa.ingredient"):
                    out.append(label)
        return out

    def url_in_hashes(m):
        a = assertions(m)
        return [label for label in ("c2pa.hash.data", "c2pa.hash.bmff.v3")
                if isinstance(a.get(label), dict) and a[label].get("url")][:1]

    def all_actions_opened(m):
        actions = actions_v2(m)
        assertion = assertions(m).get("c2pa.actions.v2") or {}
        if len(actions) == 1 and assertion.get("allActionsIncluded") is not True:
            return [a for a in actions if a.get("action") == "c2pa.opened"]
        return []

    def opened_reference(m):
        return [a for a in actions_v2(m) if a.get("action") == "c2pa.opened" and (
            not isinstance(a.get("parameters"), dict) or a["parameters"].get("ingredients") is None
            or len(a["parameters"]["ingredients"]) != 1)]

    def box_hash_tiff(m):
        a = assertions(m)
        fmt = (a.get("c2pa.asset-type.v2") or {}).get("dc:format")
        return ["c2pa.hash.boxes"] if "c2pa.hash.boxes" in a and fmt in v["tiff_media_types"] else []

    return {
        "validation:mandatory_dst_for_perceptible_transformations": dst_perceptible,
        "validation:mandatory_spec_version": spec_version,
        "validation:mandatory_all_actions_included": all_actions_included,
        "validation:no_dst_for_opened_action": no_dst_opened,
        "validation:well_formed_data_present": lambda m: m.get("validationResults") is not None,
        "validation:well_formed_success": failures_in(v["well_formed_error_codes"]),
        "validation:valid_data_present": lambda m: m.get("validationResults") is not None,
        "validation:valid_success": failures_in(v["valid_error_codes"]),
        "validation:inception_action_position": inception_position,
        "validation:no_deprecated_assertions": deprecated_assertions,
        "validation:no_unsupported_assertions": unsupported_assertions,
        "validation:no_deprecated_actions": lambda m: [a.get("action") for a in actions_v2(m) if a.get("action") in v["deprecated_action_labels"]],
        "validation:no_unsupported_actions": lambda m: [a.get("action") for a in actions_v2(m) if str(a.get("action", "")).startswith("c2pa.") and a.get("action") not in v["allowed_actions"]],
        "validation:no_unrecognized_custom_assertions": lambda m: [k for k in assertions(m) if not k.startswith("c2pa.") and "." not in k],
        "validation:no_unrecognized_custom_actions": lambda m: [a.get("action") for a in actions_v2(m) if not str(a.get("action", "")).startswith("c2pa.") and "." not in str(a.get("action", ""))],
        "validation:no_unrecognized_custom_action_parameters": custom_parameters,
        "validation:discouraged_legacy_action_parameters": legacy_parameters,
        "validation:active_manifest_urn": lambda m: str(m.get("label") or "").startswith("urn:c2pa:"),
        "validation:review_ratings_datasource": review_ratings,
        "validation:ingredient_v3_no_active_manifest": lambda m: not [i for i in ingredient_assertions(m) if i.get("activeManifest") is None and i.get("validationResults") is not None],
        "validation:ingredient_v3_mandatory_validation_results": lambda m: not [i for i in ingredient_assertions(m) if i.get("activeManifest") is not None and i.get("validationResults") is None],
        "validation:ingredient_relationship_values": lambda m: [i.get("relationship") for i in ingredient_assertions(m) if i.get("relationship") not in v["valid_relationship_values"]],
        "validation:mandatory_dst_for_created_action": lambda m: not [a for a in actions_v2(m) if a.get("action") == "c2pa.created" and a.get("digitalSourceType") is None],
        "validation:no_deprecated_claim_fields": lambda m: ["specVersion in claim"] if claim_v2(m).get("specVersion") is not None else [],
        "validation:ingredient_v3_choice": lambda m: not [i for i in ingredient_assertions(m) if i.get("activeManifest") is not None and i.get("digitalSourceType") is not None],
        "validation:alternative_content_representation_choice": alternative_choice,
        "validation:forbidden_labels_in_external_references": forbidden_external,
        "validation:no_url_in_hashes": url_in_hashes,
        "validation:all_actions_included_opened": all_actions_opened,
        "validation:opened_action_ingredient_reference": opened_reference,
        "validation:no_box_hash_for_tiff": box_hash_tiff,
    }


def conformance(document, rubric_path):
    variables, rules = load_rubric(rubric_path)
    implemented = conformance_rules(variables)
    manifest = (document.get("manifests") or [{}])[0]
    out = {"rules": {}, "failed": [], "unimplemented": []}
    for rule in rules:
        rule_id = rule.get("id")
        check = implemented.get(rule_id)
        if check is None:
            out["unimplemented"].append(rule_id)
            continue
        result = check(manifest)
        if rule.get("failIfMatched") or rule.get("warnIfMatched"):
            matches = result if isinstance(result, list) else [result]
            passed = len(matches) == 0
        else:
            matches, passed = [], bool(result)
        warning = bool(rule.get("warnIfMatched"))
        out["rules"][rule_id] = {"passed": passed, "warning": warning, "matches": matches}
        if not passed and not warning:
            out["failed"].append(rule_id)
    return out


# MARK: the local signals (composables/signal-*.yml), evaluated on every manifest


def signal_rules(v):
    def signal_actions(m):
        return [a for a in (assertions(m).get("c2pa.actions.v2") or {}).get("actions") or [] if isinstance(a, dict)]

    def created_with(m, *types):
        return any(a.get("action") in ("c2pa.created", "c2pa.opened") and a.get("digitalSourceType") in types
                   for a in signal_actions(m))

    def transformations(m):
        return [a for a in signal_actions(m) if a.get("action") is not None
                and a.get("action") not in v["inception_actions"] and a.get("action") not in v["non_editorial_actions"]]

    iptc = "http://cv.iptc.org/newscodes/digitalsourcetype/"

    def ambiguous(m):
        actions = signal_actions(m)
        assertion = assertions(m).get("c2pa.actions.v2") or {}
        gathered = claim_v2(m).get("gathered_assertions") or []
        return (len(actions) == 0 or assertion.get("allActionsIncluded") is not True
                or any(a.get("action") is not None and not str(a["action"]).startswith("c2pa.") for a in actions)
                or any(a.get("action") == "c2pa.unknown" for a in actions)
                or any("c2pa.actions" in str(g.get("url", "")) for g in gathered))

    def unknown_provenance(m):
        ingredient = assertions(m).get("c2pa.ingredient.v3")
        return isinstance(ingredient, dict) and ingredient.get("activeManifest") is None

    return {
        "inception:signal_blankCanvas": lambda m: created_with(m, "http://c2pa.org/digitalsourcetype/empty"),
        "inception:signal_capturedMedia": lambda m: created_with(m, iptc + "digitalCapture", iptc + "computationalCapture"),
        "inception:signal_capturedMediaStitched": lambda m: created_with(m, iptc + "compositeCapture"),
        "inception:signal_compositionMayContainGenAI": lambda m: created_with(m, iptc + "composite"),
        "inception:signal_fullyGenAIMedia": lambda m: created_with(m, iptc + "trainedAlgorithmicMedia"),
        "inception:signal_mediaUnknownProvenance": unknown_provenance,
        "inception:signal_nonGenAIDigitalCreation": lambda m: created_with(m, iptc + "digitalCreation"),
        "inception:signal_partlyGenAICreation": lambda m: created_with(m, iptc + "compositeWithTrainedAlgorithmicMedia"),
        "inception:signal_screenCaptureMayContainGenAI": lambda m: created_with(m, iptc + "screenCapture"),
        "transformation:signal_ambiguousActions": ambiguous,
        "transformation:signal_nonEditorial": lambda m: any(a.get("action") in v["non_editorial_actions"] for a in signal_actions(m)),
        "transformation:signal_perceptibleGenAI": lambda m: any(a.get("digitalSourceType") in v["genai_dst_types"] for a in transformations(m)),
        "transformation:signal_perceptibleNonGenAI": lambda m: any(a.get("digitalSourceType") is not None and a.get("digitalSourceType") not in v["genai_dst_types"] for a in transformations(m)),
        "transformation:signal_perceptiblePossiblyGenAI": lambda m: any(a.get("digitalSourceType") in v["possibly_genai_dst_types"] for a in transformations(m)),
    }


def signals(document, rubric_path):
    variables, rules = load_rubric(rubric_path)
    implemented = signal_rules(variables)
    out = {"manifests": [], "unimplemented": [r.get("id") for r in rules if r.get("id") not in implemented]}
    for manifest in document.get("manifests") or []:
        fired = [r["id"] for r in rules if r.get("id") in implemented and implemented[r["id"]](manifest)]
        out["manifests"].append({"label": manifest.get("label"), "signals": fired})
    return out


def main(argv):
    if len(argv) < 2 or argv[0] not in ("conformance", "signals"):
        print(__doc__, file=sys.stderr)
        return 64
    mode, asset, rest = argv[0], argv[1], argv[2:]
    rubric = DEFAULT_RUBRIC if mode == "conformance" else DEFAULT_SIGNALS
    document = None
    while rest:
        flag = rest.pop(0)
        if flag == "--rubric":
            rubric = rest.pop(0)
        elif flag == "--crjson":
            with open(rest.pop(0), encoding="utf-8") as handle:
                document = json.load(handle)
        else:
            print(f"unknown flag {flag}", file=sys.stderr)
            return 64
    if document is None:
        document = crjson_of(asset)
    result = conformance(document, rubric) if mode == "conformance" else signals(document, rubric)
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
