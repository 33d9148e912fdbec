#!/usr/bin/env python3
"""Signs an asset with the reference SDK (c2pa-rs, through c2pa-python), for tests that compare
ailabel's validation with the SDK's on files the SDK wrote, in formats whose SDK-signed fixtures are
made at test time with the test run's own PKI.

    sdk_sign.py ASSET OUT --key KEY.pem --chain CHAIN.pem --mime TYPE

The manifest says the asset was created by a trained algorithm (no thumbnail, ES256).
"""
import io
import sys

import c2pa

SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def main(argv):
    if len(argv) != 8 or argv[2] != "--key" or argv[4] != "--chain" or argv[6] != "--mime":
        print(__doc__, file=sys.stderr)
        return 64
    asset, out_path, key, chain, mime = argv[0], argv[1], argv[3], argv[5], argv[7]
    manifest = {
        "claim_generator_info": [{"name": "sdk_sign.py", "version": "1"}],
        "title": out_path.rsplit("/", 1)[-1],
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": "c2pa.created", "digitalSourceType": SOURCE_TYPE}]}}],
    }
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                        "verify": {"verify_after_sign": False}})
    builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", open(chain, "rb").read(), open(key, "rb").read(), None))
    out = io.BytesIO()
    builder.sign(signer, mime, io.BytesIO(open(asset, "rb").read()), out)
    with open(out_path, "wb") as handle:
        handle.write(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
