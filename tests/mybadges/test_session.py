"""The learner session: cookie flags, sign-out for good, forged and expired cookies, the claim
link as a way in, and one learner never seeing another's badges."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app
from badge_issuer.mybadges import service
from tests.harness import Harness
from tests.mybadges.support import me, sign_in
from tests.outbox.receivers import MailServer
from tests.wallet.factories import SATO, claim_links, earn_bronze, token_of

OTHER = "tanaka.jiro@example.jp"


def _claim_sign_in(client: TestClient, claim_url: str) -> str:
    response = client.post(f"/me/claim/{token_of(claim_url)}", follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/me"
    cookie = response.cookies.get(service.LOOPBACK_COOKIE)
    assert cookie
    return cookie


class TestCookie:
    def test_flags_on_loopback_http(self, harness: Harness, settings: Settings) -> None:
        links = claim_links(harness, earn_bronze(harness))
        response = harness.client.post(
            f"/me/claim/{token_of(links['claim_url'])}", follow_redirects=False
        )
        set_cookie = response.headers["set-cookie"]
        assert set_cookie.startswith(f"{service.LOOPBACK_COOKIE}=")
        attributes = {part.strip().split("=")[0].lower() for part in set_cookie.split(";")}
        assert {"httponly", "path", "max-age", "samesite"} <= attributes
        assert "samesite=lax" in set_cookie.lower()
        assert "secure" not in attributes  # plain http on loopback: a Secure cookie would vanish
        max_age = int(set_cookie.lower().split("max-age=")[1].split(";")[0])
        assert max_age == settings.learner_session_hours * 3600

    def test_secure_and_host_prefixed_outside_loopback(
        self, harness: Harness, settings: Settings
    ) -> None:
        links = claim_links(harness, earn_bronze(harness))
        public = settings.model_copy(update={"public_url": "https://badges.example.jp"})
        app = create_app(public)
        try:
            with TestClient(app, base_url="https://badges.example.jp") as client:
                response = client.post(
                    f"/me/claim/{token_of(links['claim_url'])}", follow_redirects=False
                )
                set_cookie = response.headers["set-cookie"]
                assert set_cookie.startswith("__Host-badge-session=")
                assert "; secure" in set_cookie.lower()
                assert "; httponly" in set_cookie.lower()
                assert "; path=/" in set_cookie.lower()
                assert "domain=" not in set_cookie.lower()
                page = client.get("/me", follow_redirects=False)
                assert page.status_code == 200
                assert "北海道DXリテラシー（ブロンズ）" in page.text
        finally:
            app.state.engine.dispose()


class TestSignOut:
    def test_ends_the_session_for_every_copy_of_the_cookie(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        cookie = _claim_sign_in(harness.client, links["claim_url"])
        copy = cookie
        harness.client.cookies.set(service.LOOPBACK_COOKIE, cookie)
        out = harness.client.post("/me/sign-out", follow_redirects=False)
        assert out.status_code == 303
        assert out.headers["location"] == "/me/sign-in"
        cleared = out.headers["set-cookie"].lower()
        assert cleared.startswith(f"{service.LOOPBACK_COOKIE}=")
        assert "max-age=0" in cleared
        page = me(harness.client, copy)
        assert page.status_code == 303
        assert page.headers["location"] == "/me/sign-in"

    def test_signing_out_from_another_site_is_refused(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        cookie = _claim_sign_in(harness.client, links["claim_url"])
        harness.client.cookies.set(service.LOOPBACK_COOKIE, cookie)
        refused = harness.client.post(
            "/me/sign-out", headers={"origin": "https://evil.example"}, follow_redirects=False
        )
        assert refused.status_code == 403
        assert me(harness.client, cookie).status_code == 200


class TestRefusedCookies:
    def test_no_forged_altered_or_expired_cookie_opens_the_page(
        self, harness: Harness, app: FastAPI
    ) -> None:
        links = claim_links(harness, earn_bronze(harness))
        cookie = _claim_sign_in(harness.client, links["claim_url"])
        secret, expires, mac = cookie.split(".")
        flipped = ("A" if mac[0] != "A" else "B") + mac[1:]
        for bad in (
            None,
            "",
            "garbage",
            f"{secret}.{expires}.{flipped}",  # altered MAC
            f"{secret}.{int(expires) + 86400}.{mac}",  # longer life claimed
            f"{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}.{expires}.{mac}",  # other secret
        ):
            answer = me(harness.client, bad)
            assert answer.status_code == 303, bad
            assert answer.headers["location"] == "/me/sign-in"
        assert me(harness.client, cookie).status_code == 200
        later = utc_now() + timedelta(hours=12, minutes=1)
        app.state.clock = lambda: later
        assert me(harness.client, cookie).status_code == 303


class TestClaimLinkWayIn:
    def test_the_claim_page_offers_it_as_a_post(self, harness: Harness) -> None:
        links = claim_links(harness, earn_bronze(harness))
        token = token_of(links["claim_url"])
        page = harness.client.get(f"/claim/{token}")
        assert page.status_code == 200
        assert f'<form method="post" action="/me/claim/{token}">' in page.text
        assert "すべてのバッジを見る" in page.text
        # A GET of the sign-in action starts nothing.
        assert harness.client.get(f"/me/claim/{token}").status_code == 405

    def test_a_bad_or_revoked_claim_link_starts_no_session(self, harness: Harness) -> None:
        credential = earn_bronze(harness)
        links = claim_links(harness, credential)
        token = token_of(links["claim_url"])
        public_id, mac = token.split(".")
        altered = f"{public_id}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"
        refused = harness.client.post(f"/me/claim/{altered}", follow_redirects=False)
        assert refused.status_code == 404
        assert "set-cookie" not in refused.headers
        harness.client.post(
            f"/v1/admin/credentials/{credential}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        revoked = harness.client.post(f"/me/claim/{token}", follow_redirects=False)
        assert revoked.status_code == 409
        assert "set-cookie" not in revoked.headers


class TestOnlyYourOwnBadges:
    def test_another_learners_badges_are_never_shown_or_claimable(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        mine = earn_bronze(harness, SATO)
        theirs = earn_bronze(harness, OTHER)
        with MailServer() as server:
            cookie = sign_in(harness.client, app, settings, server, SATO)
        page = me(harness.client, cookie)
        assert page.status_code == 200
        assert f"/credentials/{mine}" in page.text
        assert theirs not in page.text
        harness.client.cookies.set(service.LOOPBACK_COOKIE, cookie)
        refused = harness.client.post(f"/me/badges/{theirs}/claim-link", follow_redirects=False)
        assert refused.status_code == 404
        own = harness.client.post(f"/me/badges/{mine}/claim-link", follow_redirects=False)
        assert own.status_code == 303
        assert own.headers["location"].startswith("/claim/")
        claim_page = harness.client.get(own.headers["location"])
        assert claim_page.status_code == 200
        assert f"/credentials/{mine}" in claim_page.text

    def test_without_a_session_the_page_sends_you_to_sign_in(self, harness: Harness) -> None:
        earn_bronze(harness)
        answer = harness.client.get("/me?lang=en", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/me/sign-in?lang=en"
        form = harness.client.get(answer.headers["location"])
        assert form.status_code == 200
        assert "Email me a sign-in link" in form.text
        refused = harness.client.post(f"/me/badges/{'0' * 36}/claim-link", follow_redirects=False)
        assert refused.status_code == 303
