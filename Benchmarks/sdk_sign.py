"""The reference SDK signing a file as the benchmarks time it: one created action with an AI
digitalSourceType, no thumbnail, no verification after signing (ailabel's stamp is timed the same way).

usage: python Benchmarks/sdk_sign.py KEY CHAIN MEDIA-TYPE SOURCE TARGET
"""
import sys

import c2pa

key, chain, media_type, source, target = sys.argv[1:6]
manifest = {"claim_generator_info": [{"name": "benchmark", "version": "1"}], "title": source.rsplit("/", 1)[-1],
            "assertions": [{"label": "c2pa.actions", "data": {"actions": [{"action": "c2pa.created",
            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}]}}]}
settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}, "verify": {"verify_after_sign": False}})
builder = c2pa.Builder(manifest, context=c2pa.Context(settings=settings))
signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", open(chain, "rb").read(), open(key, "rb").read(), None))
with open(source, "rb") as src, open(target, "w+b") as dst:
    builder.sign(signer, media_type, src, dst)
