"""Which origin a request, a DID or a URL belongs to, after a domain change (pure)."""

from __future__ import annotations

import pytest

from badge_issuer.config import Settings
from badge_issuer.issuers.origins import (
    origin_for_host,
    origin_of_did,
    origin_of_url,
    own_did_prefixes,
)

ORIGINS = ("https://badges.pref.hokkaido.jp", "https://badges.old.example", "http://localhost:8000")


class TestOriginForHost:
    @pytest.mark.parametrize(
        ("host", "expected"),
        [
            ("badges.pref.hokkaido.jp", ORIGINS[0]),
            ("BADGES.OLD.EXAMPLE", ORIGINS[1]),
            ("badges.old.example:443", ORIGINS[1]),
            ("localhost:8000", ORIGINS[2]),
        ],
    )
    def test_a_known_host_selects_its_origin(self, host: str, expected: str) -> None:
        assert origin_for_host(host, ORIGINS) == expected

    @pytest.mark.parametrize("host", [None, "", "evil.example", "localhost", "localhost:9000"])
    def test_anything_else_is_the_public_origin(self, host: str | None) -> None:
        assert origin_for_host(host, ORIGINS) == ORIGINS[0]


class TestIdentifiers:
    def test_a_did_of_a_previous_origin_is_ours(self) -> None:
        assert origin_of_did("did:web:badges.old.example:issuers:default", ORIGINS) == (
            ORIGINS[1],
            "default",
        )
        assert origin_of_did("did:web:localhost%3A8000:issuers:kitami", ORIGINS) == (
            ORIGINS[2],
            "kitami",
        )

    def test_a_did_of_another_host_is_not(self) -> None:
        assert origin_of_did("did:web:evil.example:issuers:default", ORIGINS) is None

    def test_status_list_urls_under_every_origin(self) -> None:
        url = "https://badges.old.example/status-lists/abc"
        assert origin_of_url(url, ORIGINS, path="/status-lists/") == (ORIGINS[1], "abc")
        assert (
            origin_of_url("https://evil.example/status-lists/abc", ORIGINS, path="/status-lists/")
            is None
        )

    def test_prefixes_cover_every_origin(self) -> None:
        assert own_did_prefixes(ORIGINS[1:2]) == ("did:web:badges.old.example:issuers:",)


class TestSettings:
    def test_previous_origins_from_a_comma_separated_variable(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("BADGE_ISSUER_PUBLIC_URL", "https://new.example")
        monkeypatch.setenv(
            "BADGE_ISSUER_PREVIOUS_ORIGINS", "https://old.example/, http://localhost:8000,"
        )
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        assert settings.known_origins == (
            "https://new.example",
            "https://old.example",
            "http://localhost:8000",
        )

    def test_the_public_origin_is_not_repeated(self) -> None:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            public_url="https://new.example",
            previous_origins=["https://new.example/"],
        )
        assert settings.known_origins == ("https://new.example",)

    def test_a_previous_origin_must_be_a_url(self) -> None:
        with pytest.raises(ValueError, match="BADGE_ISSUER_PREVIOUS_ORIGINS"):
            Settings(  # type: ignore[call-arg]
                _env_file=None, previous_origins=["old.example"]
            )
