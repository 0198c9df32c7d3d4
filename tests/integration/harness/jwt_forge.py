"""Forging JWTs with arbitrary headers and claims, including the ones a validator must refuse.

Deliberately hand-rolled on `cryptography` (no JWT library): libraries refuse to produce
`alg: none` or HS256 keyed with a public key, which are exactly the attacks to test.
"""

import base64
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode(token: str) -> tuple[dict, dict]:
    """(header, claims) without verifying anything."""
    header, claims, _ = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(claims))


def _signing_input(header: dict, claims: dict) -> bytes:
    compact = lambda value: b64url(json.dumps(value, separators=(",", ":")).encode())  # noqa: E731
    return f"{compact(header)}.{compact(claims)}".encode()


def load_private_key(pem_path: str):
    with open(pem_path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def _remembered(token: str) -> str:
    """Every token made here is one no gateway log may hold (test_zz_gateway_logs.py)."""
    from .gateway import MINTED_TOKENS
    MINTED_TOKENS.add(token)
    return token


def public_key_pem(private_key) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign_es256(header: dict, claims: dict, private_key: ec.EllipticCurvePrivateKey) -> str:
    header = {**header, "alg": "ES256"}
    signing_input = _signing_input(header, claims)
    r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    # JWS wants the raw 64-byte r||s, not DER.
    return _remembered(f"{signing_input.decode()}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}")


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def sign_es256_text(header_json: str, claims_json: str, private_key: ec.EllipticCurvePrivateKey) -> str:
    """A token whose header and claims are exactly these JSON texts (say, a member named twice)."""
    signing_input = f"{b64url(header_json.encode())}.{b64url(claims_json.encode())}".encode()
    r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return _remembered(f"{signing_input.decode()}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}")


def ecdsa_twin(token: str) -> str:
    """The same token with the other valid ECDSA signature, (r, n - s)."""
    head, body, signature = token.split(".")
    raw = b64url_decode(signature)
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    return _remembered(f"{head}.{body}.{b64url(r.to_bytes(32, 'big') + (P256_ORDER - s).to_bytes(32, 'big'))}")


def sign_hs256(header: dict, claims: dict, secret: bytes) -> str:
    header = {**header, "alg": "HS256"}
    signing_input = _signing_input(header, claims)
    return _remembered(f"{signing_input.decode()}.{b64url(hmac.new(secret, signing_input, hashlib.sha256).digest())}")


def unsigned(header: dict, claims: dict) -> str:
    header = {**header, "alg": "none"}
    return _remembered(f"{_signing_input(header, claims).decode()}.")


def tamper_signature(token: str) -> str:
    head, body, signature = token.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return f"{head}.{body}.{b64url(bytes(raw))}"
