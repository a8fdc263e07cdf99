"""did:web identifiers of our issuers, and the Profile document (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from badge_issuer.credentials.ob3 import Profile
from badge_issuer.issuers.didweb import (
    issuer_did,
    slug_from_did,
    split_verification_method,
)
from badge_issuer.issuers.profile import profile, profile_document


class TestIssuerDid:
    @pytest.mark.parametrize(
        ("origin", "did"),
        [
            ("http://localhost:8000", "did:web:localhost%3A8000:issuers:default"),
            (
                "https://badges.pref.hokkaido.example",
                "did:web:badges.pref.hokkaido.example:issuers:default",
            ),
            ("https://badges.example:443", "did:web:badges.example:issuers:default"),
            ("https://badges.example:8443", "did:web:badges.example%3A8443:issuers:default"),
            ("https://example.org/badges", "did:web:example.org:badges:issuers:default"),
            ("https://Example.ORG", "did:web:example.org:issuers:default"),
        ],
    )
    def test_did_from_public_origin(self, origin: str, did: str) -> None:
        assert issuer_did(origin, "default") == did

    def test_did_web_resolution_lands_on_our_route(self) -> None:
        # did:web: replace ':' with '/', decode %3A, prefix https://, append /did.json.
        did = issuer_did("https://example.org:8443", "sapporo")
        path = did.removeprefix("did:web:").replace(":", "/").replace("%3A", ":")
        assert f"https://{path}/did.json" == "https://example.org:8443/issuers/sapporo/did.json"

    @pytest.mark.parametrize("slug", ["", "Default", "a_b", "-a", "a-", "a" * 65, "ü"])
    def test_invalid_slug_is_refused(self, slug: str) -> None:
        with pytest.raises(ValueError, match="slug"):
            issuer_did("http://localhost:8000", slug)


class TestSlugFromDid:
    ORIGIN = "http://localhost:8000"

    def test_round_trip(self) -> None:
        assert (
            slug_from_did(issuer_did(self.ORIGIN, "hokkaido-univ"), self.ORIGIN) == "hokkaido-univ"
        )

    @pytest.mark.parametrize(
        "did",
        [
            "did:web:localhost%3A8001:issuers:default",
            "did:web:evil.example:issuers:default",
            "did:web:localhost%3A8000:issuers:default#key-1",
            "did:web:localhost%3A8000:issuers:",
            "did:web:localhost%3A8000:issuers:a:b",
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "",
        ],
    )
    def test_foreign_or_malformed_dids_are_none(self, did: str) -> None:
        assert slug_from_did(did, self.ORIGIN) is None


class TestSplitVerificationMethod:
    def test_splits_did_and_key_id(self) -> None:
        assert split_verification_method("did:web:x:issuers:a#key-1") == (
            "did:web:x:issuers:a",
            "key-1",
        )

    @pytest.mark.parametrize("value", ["did:web:x", "#key", "did:web:x#", "did:web:x#a#b"])
    def test_other_shapes_are_none(self, value: str) -> None:
        assert split_verification_method(value) is None


@dataclass
class _IssuerFields:
    slug: str = "default"
    name: str = "北海道 (Hokkaido Prefecture)"
    url: str | None = None
    email: str | None = None
    description: str | None = None
    image_url: str | None = None


class TestProfileDocument:
    def test_minimal_profile(self) -> None:
        assert profile_document(_IssuerFields(), "http://localhost:8000") == {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "did:web:localhost%3A8000:issuers:default",
            "type": ["Profile"],
            "name": "北海道 (Hokkaido Prefecture)",
        }

    def test_full_profile_is_a_valid_ob3_profile(self) -> None:
        fields = _IssuerFields(
            url="https://www.pref.hokkaido.lg.jp/",
            email="dx@pref.hokkaido.example",
            description="デジタル人材育成",
            image_url="https://badges.example/logo.png",
        )
        body = profile(fields, "https://badges.example")
        assert body["image"] == {"id": "https://badges.example/logo.png", "type": "Image"}
        assert Profile.model_validate(body).to_jsonld() == body
