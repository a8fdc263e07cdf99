"""The did:web DID document of an issuer (pure): its published keys as Multikey methods."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from badge_issuer.issuers.didweb import verification_method_id

DID_CONTEXT = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")


def did_document(did: str, published: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Return the DID document listing each (key_id, publicKeyMultibase) for assertionMethod.

    Callers pass only keys that are not revoked: a revoked key leaving the document is what
    makes the credentials it signed stop verifying.
    """
    methods = [
        {
            "id": verification_method_id(did, key_id),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multibase,
        }
        for key_id, multibase in published
    ]
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
