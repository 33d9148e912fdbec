#!/usr/bin/env python3
"""Signs an asset with the reference SDK (c2pa-python), for interop tests of formats whose SDK-signed
files are made at test time rather than committed.

    sdk_sign.py SOURCE DESTINATION MIME --key SIGNER.key --chain CHAIN.pem [--merkle-kb N [--max-proofs M]]
                [--parents FILE[,FILE...]] [--intent update]

With --merkle-kb the SDK adds Merkle maps over each `mdat` of a BMFF file
(`core.merkle_tree_chunk_size_in_kb`, blocks of N KiB; 0 for one leaf per `mdat`), with proofs of at
most M hashes in `merkle` uuid boxes (`core.merkle_tree_max_proofs`, default 5; 0 keeps the leaves in
the assertion and writes no box).

The manifest is what make_fixtures.py signs: claim v2, one c2pa.created action with the
trainedAlgorithmicMedia digital source type, no thumbnail. With --parents, each FILE (of the same MIME
type) is added as a parentOf ingredient and the action is c2pa.opened of the first (the SDK signs a
manifest of several parents, which its reader then fails as manifest.multipleParents); with
--intent update the manifest is an update manifest (the SDK's Update intent: one parent, no hard
binding of its own). Exit status 0 on success.
"""
import io
import sys

import c2pa

SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def main(argv):
    if len(argv) < 7 or argv[3] != "--key" or argv[5] != "--chain" or len(argv) % 2 == 0:
        print(__doc__, file=sys.stderr)
        return 64
    source, destination, mime, key, chain = argv[0], argv[1], argv[2], argv[4], argv[6]
    options = dict(zip(argv[7::2], argv[8::2]))
    core = {}
    if "--merkle-kb" in options:
        core["merkle_tree_chunk_size_in_kb"] = int(options["--merkle-kb"])
    if "--max-proofs" in options:
        core["merkle_tree_max_proofs"] = int(options["--max-proofs"])
    manifest = {
        "claim_generator_info": [{"name": "sdk_sign.py", "version": "1"}],
        "title": source.rsplit("/", 1)[-1],
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": SOURCE_TYPE}]}}],
    }
    parents = [path for path in options.get("--parents", "").split(",") if path]
    if parents:
        manifest["assertions"] = [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent0"]}}]}}]
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                        "verify": {"verify_after_sign": False}, "core": core})
    builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
    if options.get("--intent") == "update":
        builder.set_intent(c2pa.C2paBuilderIntent.UPDATE)
    for index, path in enumerate(parents):
        with open(path, "rb") as handle:
            builder.add_ingredient({"title": path.rsplit("/", 1)[-1], "relationship": "parentOf", "label": f"parent{index}"},
                                   mime, io.BytesIO(handle.read()))
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", open(chain, "rb").read(), open(key, "rb").read(), None))
    out = io.BytesIO()
    with open(source, "rb") as handle:
        builder.sign(signer, mime, io.BytesIO(handle.read()), out)
    with open(destination, "wb") as handle:
        handle.write(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
