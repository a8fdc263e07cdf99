"""OpenID4VCI 1.0 key proofs of type `jwt` (Appendix F.1), checked with joserfc. Pure.

A proof is a JWS whose header has `typ` `openid4vci-proof+jwt`, an EdDSA algorithm and a `kid`
that is a DID URL (did:key or did:jwk) naming the holder's key; its claims carry `aud` (the
Credential Issuer Identifier), `iat` and the `c_nonce` from the Nonce Endpoint. The holder DID
of the key becomes the credential's subject. The nonce's single use is the caller's business.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from badge_issuer.credentials.didkey import resolve_did_key
from badge_issuer.credentials.proofs.verification_methods import KeyResolutionError

PROOF_TYPE = "openid4vci-proof+jwt"
# RFC 8037's EdDSA (what OpenID4VCI 1.0 names) and RFC 9864's fully specified Ed25519.
ALGORITHMS = ("EdDSA", "Ed25519")
MAX_AGE = timedelta(minutes=5)
CLOCK_SKEW = timedelta(seconds=60)
MAX_PROOF_LENGTH = 8192


class KeyProofInvalid(Exception):
    """A refused key proof; `error` is the OpenID4VCI error code to answer."""

    def __init__(self, description: str, *, error: str = "invalid_proof") -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True, slots=True)
class KeyProof:
    holder_did: str
    nonce: str


def _b64url_json(value: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError) as error:
        raise KeyProofInvalid("the did:jwk is not base64url JSON") from error


def _did_jwk_key(kid: str) -> tuple[str, OKPKey]:
    did, _, fragment = kid.partition("#")
    if fragment != "0":
        raise KeyProofInvalid("a did:jwk key is named did:jwk:…#0")
    jwk = _b64url_json(did.removeprefix("did:jwk:"))
    if not isinstance(jwk, Mapping) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyProofInvalid("the did:jwk must be an Ed25519 OKP public key")
    if "d" in jwk:
        raise KeyProofInvalid("the did:jwk must not hold a private key")
    try:
        return did, OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": str(jwk.get("x"))})
    except (JoseError, ValueError) as error:
        raise KeyProofInvalid("the did:jwk is not a usable Ed25519 key") from error


def holder_key(kid: str) -> tuple[str, OKPKey]:
    """Resolve a `kid` DID URL (did:key or did:jwk) to the holder DID and its public key."""
    if kid.startswith("did:key:"):
        try:
            method = resolve_did_key(kid)
        except KeyResolutionError as error:
            raise KeyProofInvalid(f"kid: {error}") from error
        raw: dict[str, str | list[str]] = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(method.public_key),
        }
        return method.controller, OKPKey.import_key(raw)
    if kid.startswith("did:jwk:"):
        return _did_jwk_key(kid)
    raise KeyProofInvalid("kid must be a did:key or did:jwk DID URL")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _header(proof: str) -> Mapping[str, Any]:
    if len(proof) > MAX_PROOF_LENGTH:
        raise KeyProofInvalid("the proof is too long")
    try:
        header = jws.extract_compact(proof.encode("ascii")).protected
    except (JoseError, ValueError, UnicodeError) as error:
        raise KeyProofInvalid("the proof is not a compact JWS") from error
    if header.get("typ") != PROOF_TYPE:
        raise KeyProofInvalid(f"the proof's typ must be {PROOF_TYPE}")
    if header.get("alg") not in ALGORITHMS:
        raise KeyProofInvalid("the proof must be signed with EdDSA (Ed25519)")
    if not isinstance(header.get("kid"), str) or {"jwk", "x5c"} & set(header):
        raise KeyProofInvalid("the proof names its key by a kid DID URL only")
    return header


def _claims(proof: str, key: OKPKey, alg: str) -> Mapping[str, Any]:
    try:
        with warnings.catch_warnings():
            # joserfc flags EdDSA as deprecated by RFC 9864; OpenID4VCI 1.0 still names it.
            warnings.simplefilter("ignore", SecurityWarning)
            token = jwt.decode(proof, key, algorithms=[alg])
    except (JoseError, ValueError) as error:
        raise KeyProofInvalid("the proof's signature does not verify with its kid") from error
    return token.claims


def check_key_proof(proof: Any, *, audience: str, now: datetime) -> KeyProof:
    """Check a `jwt` key proof for this issuer; return the holder DID and the nonce it used."""
    if not isinstance(proof, str):
        raise KeyProofInvalid("a jwt proof is a string")
    header = _header(proof)
    holder_did, key = holder_key(header["kid"])
    claims = _claims(proof, key, header["alg"])
    audiences = claims.get("aud")
    if audience not in (audiences if isinstance(audiences, list) else [audiences]):
        raise KeyProofInvalid(f"the proof's aud must be {audience}")
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
        raise KeyProofInvalid("the proof needs a numeric iat")
    try:
        moment = datetime.fromtimestamp(issued_at, tz=now.tzinfo)
    except (OverflowError, OSError, ValueError) as error:
        raise KeyProofInvalid("the proof's iat is not a usable time") from error
    if not now - MAX_AGE <= moment <= now + CLOCK_SKEW:
        raise KeyProofInvalid("the proof's iat is not recent")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise KeyProofInvalid("the proof must carry a c_nonce", error="invalid_nonce")
    return KeyProof(holder_did=holder_did, nonce=nonce)
