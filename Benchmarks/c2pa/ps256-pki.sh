#!/usr/bin/env bash
# A PS256 signer PKI for the C2PA benchmark, made with openssl: an RSA-2048 root, an intermediate and a
# leaf with the C2PA signer profile (digitalSignature, emailProtection EKU, AKI). ailabel signs RSA keys
# with PS256. Usage: ps256-pki.sh DIR  (writes signer.key, signer-chain.pem, trust-anchors.pem)
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root.key 2>/dev/null
openssl req -x509 -new -key root.key -sha256 -days 3650 -subj "/CN=ailabel bench PS256 root/O=ailabel bench" -out root.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out intermediate.key 2>/dev/null
openssl req -new -key intermediate.key -subj "/CN=ailabel bench PS256 intermediate/O=ailabel bench" -out intermediate.csr
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n' > ca.ext
openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3650 -sha256 -extfile ca.ext -out intermediate.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out signer.key 2>/dev/null
openssl req -new -key signer.key -subj "/CN=ailabel bench PS256 signer/O=ailabel bench" -out signer.csr
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n' > leaf.ext
openssl x509 -req -in signer.csr -CA intermediate.pem -CAkey intermediate.key -CAcreateserial -days 365 -sha256 -extfile leaf.ext -out signer.pem 2>/dev/null
cat signer.pem intermediate.pem > signer-chain.pem
cp root.pem trust-anchors.pem
