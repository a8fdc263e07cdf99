"""Read the eddsa-rdfc-2022 vectors and 1EdTech examples from ../shared (never copied here)."""

from __future__ import annotations

import json
from typing import Any

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.jsonld.loader import StaticDocumentLoader, default_loader
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    KeyResolver,
    VerificationMethod,
)
from tests.shared_data import shared_path

VECTORS = ("vectors", "eddsa-rdfc-2022")
CITIZENSHIP_CONTEXT_URL = "https://w3id.org/citizenship/v4rc1"


def vector_text(*parts: str) -> str:
    """Return a vector file's text exactly as published."""
    return shared_path(*VECTORS, *parts).read_text(encoding="utf-8")


def vector_json(*parts: str) -> Any:
    """Return a vector file parsed as JSON."""
    return json.loads(vector_text(*parts))


def example_json(name: str) -> Any:
    """Return one of 1EdTech's OB 3.0 examples parsed as JSON."""
    return json.loads(shared_path("ob3-schemas", "examples", name).read_text(encoding="utf-8"))


def vector_loader() -> StaticDocumentLoader:
    """Return the bundled loader plus the citizenship context the W3C vectors need (tests only)."""
    citizenship = vector_json("contexts", "citizenship-v4rc1.jsonld")
    return default_loader().extended({CITIZENSHIP_CONTEXT_URL: citizenship})


def vector_canonicalizer() -> Canonicalizer:
    """Return a full-path canonicalizer (no templates) over `vector_loader()`."""
    return Canonicalizer(vector_loader(), use_templates=False)


def static_resolver(method_id: str, controller: str, public_key_multibase: str) -> KeyResolver:
    """Return a resolver that knows exactly one verification method."""
    method = VerificationMethod(
        id=method_id,
        controller=controller,
        public_key=decode_ed25519_public_key(public_key_multibase),
    )

    def resolve(requested: str) -> VerificationMethod:
        if requested != method_id:
            raise KeyResolutionError(f"unknown verification method {requested!r}")
        return method

    return resolve
