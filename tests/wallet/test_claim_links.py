"""Claim links: minted by admins (and the award mail), signed, expiring, bound to one credential."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from badge_issuer.admin.scopes import Scope
from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.wallet import claims
from badge_issuer.wallet.errors import ClaimLinkInvalid, CredentialNotClaimable
from tests.admin.factories import bearer, make_token
from tests.harness import Harness
from tests.wallet.factories import claim_links, earn_bronze, token_of

ORIGIN = "http://localhost:8000"


class TestAdminEndpoint:
    def test_answers_the_four_links(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        links = claim_links(harness, credential)
        token = token_of(links["claim_url"])
        assert links["claim_url"] == f"{ORIGIN}/claim/{token}"
        assert links["interaction_url"] == f"{ORIGIN}/interactions/{token}?iuv=1"
        offer = urlsplit(links["credential_offer_uri"])
        assert offer.scheme == "openid-credential-offer"
        assert parse_qs(offer.query)["credential_offer_uri"] == [f"{ORIGIN}/oid4vci/offers/{token}"]
        expires = datetime.fromisoformat(links["expires_at"])
        assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
        assert links["tx_code"] is None

    def test_each_call_mints_a_distinct_link(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        first, second = claim_links(harness, credential), claim_links(harness, credential)
        assert first["claim_url"] != second["claim_url"]

    def test_transaction_code_on_request(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness), tx_code=True)
        assert links["tx_code"] is not None
        assert len(links["tx_code"]) == 6
        assert links["tx_code"].isdigit()

    def test_unknown_credential_is_404_problem(self, harness: Harness) -> None:
        response = harness.client.post(
            "/v1/admin/credentials/00000000-0000-4000-8000-000000000000/claim-links",
            headers=harness.admin,
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_needs_the_credentials_scope(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        path = f"/v1/admin/credentials/{credential}/claim-links"
        assert harness.client.post(path).status_code == 401
        other = bearer(make_token(harness.client.app, Scope.KEYS))  # type: ignore[arg-type]
        assert harness.client.post(path, headers=other).status_code == 403

    def test_revoked_credential_is_not_claimable(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        revoked = harness.client.post(
            f"/v1/admin/credentials/{credential}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        assert revoked.status_code == 200, revoked.text
        response = harness.client.post(
            f"/v1/admin/credentials/{credential}/claim-links", headers=harness.admin
        )
        assert response.status_code == 409
        assert response.json()["type"].endswith("credential-not-claimable")

    def test_unknown_body_fields_are_refused(self, harness: Harness) -> None:
        response = harness.client.post(
            f"/v1/admin/credentials/{earn_bronze(harness)}/claim-links",
            json={"valid_for": 3},
            headers=harness.admin,
        )
        assert response.status_code == 422


class TestOpeningTokens:
    def _mint(self, harness: Harness, settings: Settings, now: datetime) -> tuple[str, str]:
        credential = earn_bronze(harness)
        for session in session_scope(harness.client.app.state.session_factory):  # type: ignore[attr-defined]
            award = award_repository.get_by_uuid(session, credential)
            assert award is not None
            links = claims.mint_claim_links(session, award=award, settings=settings, now=now)
        return credential, token_of(links.claim_url)

    def _open(self, harness: Harness, settings: Settings, token: str, now: datetime) -> str:
        opened = ""
        for session in session_scope(harness.client.app.state.session_factory):  # type: ignore[attr-defined]
            opened = claims.open_claim(session, token=token, settings=settings, now=now).award.uuid
        return opened

    def test_round_trip_names_the_credential(self, harness: Harness, settings: Settings) -> None:
        now = datetime.now(UTC)
        credential, token = self._mint(harness, settings, now)
        assert self._open(harness, settings, token, now) == credential

    @pytest.mark.parametrize("position", [0, -1])
    def test_altered_token_is_refused(
        self, harness: Harness, settings: Settings, position: int
    ) -> None:
        now = datetime.now(UTC)
        _, token = self._mint(harness, settings, now)
        changed = "A" if token[position] != "A" else "B"
        altered = token[:position] + changed + (token[position + 1 :] if position != -1 else "")
        with pytest.raises(ClaimLinkInvalid):
            self._open(harness, settings, altered, now)

    def test_expired_token_is_refused(self, harness: Harness, settings: Settings) -> None:
        now = datetime.now(UTC)
        _, token = self._mint(harness, settings, now)
        with pytest.raises(ClaimLinkInvalid, match="expired"):
            self._open(harness, settings, token, now + timedelta(days=31))

    def test_another_secret_does_not_accept_the_token(
        self, harness: Harness, settings: Settings
    ) -> None:
        now = datetime.now(UTC)
        _, token = self._mint(harness, settings, now)
        other = settings.model_copy(update={"claim_link_secret": SecretStr("x" * 40)})
        with pytest.raises(ClaimLinkInvalid):
            self._open(harness, other, token, now)

    def test_revoked_after_minting_is_refused(self, harness: Harness, settings: Settings) -> None:
        now = datetime.now(UTC)
        credential, token = self._mint(harness, settings, now)
        harness.client.post(
            f"/v1/admin/credentials/{credential}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        with pytest.raises(CredentialNotClaimable):
            self._open(harness, settings, token, now)
