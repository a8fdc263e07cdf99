"""Small typed factories for credential tests: issuer, achievement, signer, credential."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from badge_issuer.credentials.assembly import assemble_credential, revocation_entry
from badge_issuer.credentials.identity import email_identity
from badge_issuer.credentials.ob3 import (
    Achievement,
    Alignment,
    Criteria,
    Evidence,
    Image,
    Profile,
    Result,
    ResultDescription,
)
from badge_issuer.credentials.proofs.verification_methods import (
    KeyResolutionError,
    KeyResolver,
    VerificationMethod,
)
from badge_issuer.keys.signer import InMemoryEd25519Signer

PUBLIC_URL = "http://localhost:8000"
ISSUER_DID = "did:web:localhost%3A8000:issuers:default"
SIGNED_AT = datetime(2026, 11, 20, 1, 0, 5, tzinfo=UTC)
VALID_FROM = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
VALID_UNTIL = datetime(2029, 11, 20, 1, 0, tzinfo=UTC)


def make_signer(seed: bytes = bytes(range(32)), key_id: str = "key-1") -> InMemoryEd25519Signer:
    """Return a deterministic test signer for the default issuer."""
    return InMemoryEd25519Signer.from_seed(seed, f"{ISSUER_DID}#{key_id}")


def resolver_for(*signers: InMemoryEd25519Signer) -> KeyResolver:
    """Return a resolver that knows the verification methods of these signers."""
    methods = {
        signer.verification_method: VerificationMethod(
            id=signer.verification_method,
            controller=signer.verification_method.split("#")[0],
            public_key=signer.public_key,
        )
        for signer in signers
    }

    def resolve(method_id: str) -> VerificationMethod:
        if method_id not in methods:
            raise KeyResolutionError(f"unknown verification method {method_id!r}")
        return methods[method_id]

    return resolve


def make_issuer(name: str = "北海道デジタル人材育成協議会") -> Profile:
    """Return the default issuer's Profile."""
    return Profile(id=ISSUER_DID, name=name, url=f"{PUBLIC_URL}/issuers/default")


def make_achievement(
    *,
    name: str = "DXリテラシー Bronze",
    description: str = "DX の基礎を学んだことを示すバッジ",
    narrative: str = "PY101 を修了すること",
) -> Achievement:
    """Return an achievement with an image, an alignment and a result description."""
    base = f"{PUBLIC_URL}/achievements/dx-literacy-bronze"
    return Achievement(
        id=base,
        name=name,
        description=description,
        criteria=Criteria(narrative=narrative),
        achievement_type="Badge",
        image=Image(id=f"{base}/image.svg"),
        alignment=[
            Alignment(
                target_name="デジタルスキル標準 DX リテラシー",
                target_url="https://www.ipa.go.jp/jinzai/skill-standard/dss/",
                target_code="DSS-L",
                target_framework="DSS",
            )
        ],
        result_description=[
            ResultDescription(id=f"{base}#score", name="Score", result_type="Percent")
        ],
    )


def make_evidence(
    name: str = "PY101 修了証", url: str = "https://lms.example.jp/cert/123"
) -> Evidence:
    """Return evidence citing a provider's certificate."""
    return Evidence(id=url, name=name, description="e-learning certificate")


def make_credential(
    *,
    credential_uuid: str = "6c1f8a4e-5b8e-4f5c-9a0e-2f4f6c7d8e9f",
    email: str = "sato.hanako@example.jp",
    salt: str = "8f14e45fceea167a5a36dedd4bea2543",
    issuer: Profile | None = None,
    achievement: Achievement | None = None,
    evidence: Sequence[Evidence] | None = None,
    results: Sequence[Result] | None = None,
    status_index: int = 42,
) -> dict[str, Any]:
    """Return an unsigned credential as the service assembles it."""
    achievement = achievement or make_achievement()
    return assemble_credential(
        credential_id=f"{PUBLIC_URL}/credentials/{credential_uuid}",
        issuer=issuer or make_issuer(),
        achievement=achievement,
        recipient=email_identity(email, salt),
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
        credential_status=revocation_entry(f"{PUBLIC_URL}/status-lists/1", status_index),
        evidence=[make_evidence()] if evidence is None else evidence,
        results=[Result(value="92", result_description=f"{achievement.id}#score")]
        if results is None
        else results,
    )
