#!/usr/bin/env python3
# crypto-oracle.py — an independent reading of what the crypto module writes
#
# SPDX-License-Identifier: MPL-2.0
#
# test-crypto-interop runs this with a directory of keys, a certificate and
# the module's outputs.  It takes the MOSIP envelope apart by the offsets of
# the published format (nonce 12, AAD 32, thumbprint 32, RSA block, the
# ASCII splitter, ciphertext and 16-byte tag), checks the thumbprint against
# the certificate's DER, unwraps the key with OAEP (SHA-256, MGF1-SHA-256,
# no label) and opens the GCM ciphertext with the 32 AAD bytes alone; it
# verifies the signatures with python3-cryptography.  Then it writes its own
# envelope and signatures for the C side to read.  Exit status 0 means every
# check passed; otherwise the first failure is printed.

import hashlib
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SPLITTER = b"#KEY_SPLITTER#"


def read(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


def write(directory, name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def oaep():
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()),
                        algorithm=hashes.SHA256(), label=None)


def open_envelope(envelope, private_key, certificate):
    nonce, aad = envelope[0:12], envelope[12:44]
    splitter = envelope.find(SPLITTER, 44)
    if splitter < 0:
        raise AssertionError("no key splitter")
    thumbprint = envelope[44:76]
    wrapped = envelope[76:splitter]
    if len(wrapped) != private_key.key_size // 8:
        raise AssertionError("wrapped key of %d bytes" % len(wrapped))
    expected = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest()
    if thumbprint != expected:
        raise AssertionError("thumbprint is not SHA-256 of the certificate's DER")
    key = private_key.decrypt(wrapped, oaep())
    if len(key) != 32:
        raise AssertionError("unwrapped key of %d bytes" % len(key))
    return AESGCM(key).decrypt(nonce, envelope[splitter + len(SPLITTER):], aad)


def make_envelope(payload, certificate):
    nonce, aad, key = os.urandom(12), os.urandom(32), AESGCM.generate_key(bit_length=256)
    thumbprint = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest()
    wrapped = certificate.public_key().encrypt(key, oaep())
    return nonce + aad + thumbprint + wrapped + SPLITTER + AESGCM(key).encrypt(nonce, payload, aad)


def main(directory):
    rsa_key = serialization.load_pem_private_key(read(directory, "rsa-key.pem"), None)
    ec_key = serialization.load_pem_private_key(read(directory, "ec-key.pem"), None)
    ed_key = serialization.load_pem_private_key(read(directory, "ed-key.pem"), None)
    certificate = x509.load_pem_x509_certificate(read(directory, "cert.pem"))
    payload = read(directory, "payload.bin")

    # What the C side wrote.
    if open_envelope(read(directory, "envelope.bin"), rsa_key, certificate) != payload:
        raise AssertionError("the envelope does not decrypt to the payload")
    print("envelope: ok")

    rsa_key.public_key().verify(read(directory, "rsa-sha256.sig"), payload,
                                padding.PKCS1v15(), hashes.SHA256())
    print("RSA-SHA256: ok")

    ec_key.public_key().verify(read(directory, "es256-der.sig"), payload, ec.ECDSA(hashes.SHA256()))
    raw = read(directory, "es256-raw.sig")
    if len(raw) != 64:
        raise AssertionError("ES256 raw signature of %d bytes" % len(raw))
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    ec_key.public_key().verify(der, payload, ec.ECDSA(hashes.SHA256()))
    print("ES256: ok")

    ed_key.public_key().verify(read(directory, "ed25519.sig"), payload)
    print("Ed25519: ok")

    # What the C side must read.
    py_payload = os.urandom(5000)
    write(directory, "py-payload.bin", py_payload)
    write(directory, "py-envelope.bin", make_envelope(py_payload, certificate))
    write(directory, "py-rsa-sha256.sig", rsa_key.sign(py_payload, padding.PKCS1v15(), hashes.SHA256()))
    r, s = utils.decode_dss_signature(ec_key.sign(py_payload, ec.ECDSA(hashes.SHA256())))
    write(directory, "py-es256-raw.sig", r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    write(directory, "py-ed25519.sig", ed_key.sign(py_payload))
    print("written: ok")


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # any failure, with what it was
        print("FAILED: %s: %s" % (type(e).__name__, e))
        sys.exit(1)
