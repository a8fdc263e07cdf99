"""The issuer's OB 3.0 Profile (pure): published at /issuers/{slug} and embedded in credentials."""

from __future__ import annotations

from typing import Any, Protocol

from badge_issuer.issuers.didweb import issuer_did

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PROFILE_CONTEXT = (VC_V2_CONTEXT, OB_V3P0_CONTEXT)


class IssuerFields(Protocol):
    """What a Profile is made of: an `Issuer` row or anything with the same fields."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def description(self) -> str | None: ...
    @property
    def image_url(self) -> str | None: ...


def profile(issuer: IssuerFields, public_origin: str) -> dict[str, Any]:
    """Return the Profile object without @context: the `issuer` member of a credential."""
    body: dict[str, Any] = {
        "id": issuer_did(public_origin, issuer.slug),
        "type": ["Profile"],
        "name": issuer.name,
    }
    # Absent fields are left out: OB 3.0 forbids null values in place of optional ones.
    if issuer.url:
        body["url"] = issuer.url
    if issuer.email:
        body["email"] = issuer.email
    if issuer.description:
        body["description"] = issuer.description
    if issuer.image_url:
        body["image"] = {"id": issuer.image_url, "type": "Image"}
    return body


def profile_document(issuer: IssuerFields, public_origin: str) -> dict[str, Any]:
    """Return the standalone Profile JSON-LD document (VC v2 and OB 3.0.3 contexts first)."""
    return {"@context": list(PROFILE_CONTEXT), **profile(issuer, public_origin)}
