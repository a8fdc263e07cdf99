"""OB 3.0 credentials presented as VC-JWT: compact JWS parsing and its signature check.

OB 3.0 section 8.2 (VC-JWT): the JWS payload carries the credential in its `vc` claim, with
`iss`, `nbf`, `exp` and `jti` mirroring it; the VC-JOSE-COSE form (the payload is the
credential itself) is read too. `kid` names the verification method. Only EdDSA (Ed25519),
ES256 (P-256) and RS256 (RSA >= 2048 bits) are accepted; `none` and HMAC never are.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from badge_issuer.credentials.proofs.result import (
    INVALID_VERIFICATION_METHOD,
    MALFORMED_PROOF_ERROR,
    PROOF_VERIFICATION_ERROR,
)
from badge_issuer.verification.checks_keys import KeyCache
from badge_issuer.verification.ports import PublicKey, ResolutionError
from badge_issuer.verification.report import Check, CheckName
from badge_issuer.verification.unicode_text import has_lone_surrogate

ALGORITHMS = ("EdDSA", "ES256", "RS256")
MIN_RSA_BITS = 2048
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class MalformedJwt(ValueError):
    """The text is not a compact JWS whose header and payload are JSON objects."""


@dataclass(frozen=True)
class CompactJws:
    """A parsed compact JWS: header and payload as JSON, and the bytes the signature covers."""

    header: Mapping[str, Any]
    payload: Mapping[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def credential(self) -> Mapping[str, Any] | None:
        """The credential: the `vc` claim (VC-JWT 1.1), else the payload itself (VC-JOSE-COSE)."""
        claim = self.payload.get("vc")
        if claim is None:
            return self.payload
        return claim if isinstance(claim, Mapping) else None

    def time_claim(self, name: str) -> datetime | None:
        """Return the NumericDate claim `name` (nbf, exp) as a datetime, if it is a number."""
        value = self.payload.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None


def looks_like_compact_jws(text: str) -> bool:
    """Return whether `text` has the three base64url segments of a compact JWS."""
    return _COMPACT_JWS.match(text.strip()) is not None


def _b64url(segment: str) -> bytes:
    try:
        return base64.b64decode(segment + "=" * (-len(segment) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise MalformedJwt("a JWS segment is not base64url") from None


def _json_object(segment: str, what: str) -> Mapping[str, Any]:
    raw = _b64url(segment)
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # ValueError: JSON, UTF-8, or a 5,000-digit number
        raise MalformedJwt(f"the JWS {what} is not JSON") from None
    if has_lone_surrogate(raw, value):
        raise MalformedJwt(f"the JWS {what} is not JSON text: a string holds a lone surrogate")
    if not isinstance(value, dict):
        raise MalformedJwt(f"the JWS {what} is not a JSON object")
    return value


def parse_compact_jws(token: str) -> CompactJws:
    """Parse a compact JWS (header.payload.signature), or raise MalformedJwt."""
    token = token.strip()
    if not looks_like_compact_jws(token):
        raise MalformedJwt("not a compact JWS (three base64url segments)")
    header_part, payload_part, signature_part = token.split(".")
    return CompactJws(
        header=_json_object(header_part, "header"),
        payload=_json_object(payload_part, "payload"),
        signing_input=f"{header_part}.{payload_part}".encode("ascii"),
        signature=_b64url(signature_part),
    )


def _verify(alg: str, key: PublicKey, signature: bytes, data: bytes) -> str | None:
    """Return None when the signature verifies, else why not."""
    try:
        if alg == "EdDSA" and isinstance(key, Ed25519PublicKey):
            key.verify(signature, data)
        elif alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if not isinstance(key.curve, ec.SECP256R1) or len(signature) != 64:
                return "ES256 needs a P-256 key and a 64-byte signature"
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        elif alg == "RS256" and isinstance(key, RSAPublicKey):
            if key.key_size < MIN_RSA_BITS:
                return f"RSA keys under {MIN_RSA_BITS} bits are refused"
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return f"the key type does not match alg {alg}"
    except InvalidSignature:
        return "the signature does not verify"
    return None


def _method_id(jws: CompactJws, issuer: str | None) -> str | None:
    """Return the kid as an absolute DID URL (a bare `#fragment` is relative to the issuer)."""
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or not kid:
        return None
    if kid.startswith("#"):
        base = jws.payload.get("iss") if isinstance(jws.payload.get("iss"), str) else issuer
        return f"{base}{kid}" if base else None
    return kid


def jws_proof_check(
    jws: CompactJws, issuer: str | None, keys: KeyCache
) -> tuple[Check, tuple[str, ...]]:
    """Check the JWS signature with the key its `kid` names; return the check and that key id."""
    name = CheckName.PROOF
    if "crit" in jws.header:
        # RFC 7515 section 4.1.11: a recipient that does not understand every extension `crit`
        # lists must reject the JWS. This verifier understands none.
        detail = (
            f"the JWS header's crit {jws.header['crit']!r} lists extensions this verifier "
            "does not understand (RFC 7515 section 4.1.11)"
        )
        return Check.failed(name, detail, MALFORMED_PROOF_ERROR), ()
    alg = jws.header.get("alg")
    if alg not in ALGORITHMS:
        detail = f"VC-JWT alg {alg!r} is not accepted (only {', '.join(ALGORITHMS)})"
        return Check.failed(name, detail, MALFORMED_PROOF_ERROR), ()
    method_id = _method_id(jws, issuer)
    if method_id is None:
        return Check.failed(name, "the JWS header has no usable kid", MALFORMED_PROOF_ERROR), ()
    iss = jws.payload.get("iss")
    if iss is not None and iss != issuer:
        detail = f"iss {iss!r} is not the credential's issuer {issuer!r}"
        return Check.failed(name, detail, PROOF_VERIFICATION_ERROR), (method_id,)
    try:
        key = keys.get(method_id)
    except ResolutionError as error:
        return Check.failed(name, str(error), INVALID_VERIFICATION_METHOD), (method_id,)
    reason = _verify(str(alg), key.public_key, jws.signature, jws.signing_input)
    if reason is not None:
        return Check.failed(name, f"VC-JWT {alg}: {reason}", PROOF_VERIFICATION_ERROR), (method_id,)
    return Check.passed(name, f"VC-JWT {alg} signature verifies with {method_id}"), (method_id,)
