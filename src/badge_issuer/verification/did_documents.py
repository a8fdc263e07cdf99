"""Read a verification method out of a fetched did:web DID document (pure).

did:web method specification section 3.2 (Read): `did:web:<host>[%3A<port>][:<path>]` is
served at `https://<host>[:<port>]/<path>/did.json`, or `/.well-known/did.json` without a path.
Keys are read as Multikey (Ed25519 publicKeyMultibase) or as a publicKeyJwk (OKP Ed25519,
EC P-256, RSA); the relationships are the ones the document lists the method under.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badge_issuer.credentials.proofs.multikey import InvalidMultikey, decode_ed25519_public_key
from badge_issuer.verification.ports import PublicKey, ResolutionError, ResolvedKey

DID_WEB_PREFIX = "did:web:"
_RELATIONSHIPS = ("assertionMethod", "authentication")


def did_web_url(did: str) -> str:
    """Return the HTTPS URL of a did:web DID document."""
    if not did.startswith(DID_WEB_PREFIX) or "#" in did or "?" in did or "/" in did:
        raise ResolutionError(f"{did!r} is not a did:web DID")
    segments = did.removeprefix(DID_WEB_PREFIX).split(":")
    host = unquote(segments[0])
    if not host or any(not segment for segment in segments):
        raise ResolutionError(f"{did!r} is not a well-formed did:web DID")
    path = "/".join(unquote(segment) for segment in segments[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def _b64url_int(value: Any) -> int:
    return int.from_bytes(_b64url(value), "big")


def _b64url(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ResolutionError("a JWK member is missing")
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ResolutionError("a JWK member is not base64url") from None


def public_key_of_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Return the public key of an OKP/Ed25519, EC/P-256 or RSA JWK; refuse private JWKs."""
    if "d" in jwk:
        raise ResolutionError("the DID document publishes a private key; it is not trusted")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return Ed25519PublicKey.from_public_bytes(_b64url(jwk.get("x")))
        if kty == "EC" and crv == "P-256":
            numbers = ec.EllipticCurvePublicNumbers(
                _b64url_int(jwk.get("x")), _b64url_int(jwk.get("y")), ec.SECP256R1()
            )
            return numbers.public_key()
        if kty == "RSA":
            return rsa.RSAPublicNumbers(
                _b64url_int(jwk.get("e")), _b64url_int(jwk.get("n"))
            ).public_key()
    except ValueError as error:
        raise ResolutionError(f"the JWK is not a valid public key: {error}") from None
    raise ResolutionError(f"JWK kty={kty!r} crv={crv!r} is not supported")


def _absolute(method_id: str, did: str) -> str:
    return did + method_id if method_id.startswith("#") else method_id


def _method_ids(entries: Any, did: str) -> set[str]:
    """Return the ids listed under a relationship (strings or embedded methods)."""
    ids: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        raw = entry.get("id") if isinstance(entry, Mapping) else entry
        if isinstance(raw, str):
            ids.add(_absolute(raw, did))
    return ids


def _methods(document: Mapping[str, Any], did: str) -> dict[str, Mapping[str, Any]]:
    """Return every verification method object in the document by absolute id."""
    found: dict[str, Mapping[str, Any]] = {}
    for key in ("verificationMethod", *_RELATIONSHIPS):
        entries = document.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                found.setdefault(_absolute(entry["id"], did), entry)
    return found


def key_from_did_document(document: Any, *, did: str, method_id: str, source: str) -> ResolvedKey:
    """Return the verification method `method_id` of the DID document of `did`."""
    if not isinstance(document, Mapping) or document.get("id") != did:
        raise ResolutionError(f"the DID document at {source} is not the document of {did}")
    method = _methods(document, did).get(method_id)
    if method is None:
        raise ResolutionError(f"{did} does not list {method_id}")
    controller = method.get("controller")
    if not isinstance(controller, str):
        raise ResolutionError(f"{method_id} has no controller")
    relationships = frozenset(
        name for name in _RELATIONSHIPS if method_id in _method_ids(document.get(name), did)
    )
    return ResolvedKey(
        id=method_id,
        controller=_absolute(controller, did),
        public_key=_public_key(method),
        relationships=relationships,
        source=source,
    )


def _public_key(method: Mapping[str, Any]) -> PublicKey:
    multibase = method.get("publicKeyMultibase")
    if isinstance(multibase, str):
        try:
            return Ed25519PublicKey.from_public_bytes(decode_ed25519_public_key(multibase))
        except InvalidMultikey as error:
            raise ResolutionError(f"publicKeyMultibase: {error}") from None
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, Mapping):
        return public_key_of_jwk(jwk)
    raise ResolutionError("the verification method has no publicKeyMultibase or publicKeyJwk")
