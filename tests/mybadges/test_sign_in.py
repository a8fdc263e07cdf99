"""Sign-in to "my badges" by a mailed one-time link: the same answer for every address, the
mail through a real SMTP server on loopback, one use only, expiry, forgery, rate limits, and
requests from other sites."""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.mybadges.limits import SignInLimits
from tests.harness import Harness
from tests.mybadges.support import (
    SIGN_IN_SUBJECT,
    ask,
    deliver,
    link_in,
    me,
    parse,
    sign_in,
    use_link,
)
from tests.outbox.receivers import MailServer
from tests.outbox.support import SteppedClock, dispatcher, jobs
from tests.wallet.factories import SATO, earn_bronze

STRANGER = "nobody.here@example.jp"
# Headers that may differ between two answers for reasons other than the address.
_PER_RESPONSE = {"date", "x-request-id", "server"}


def _comparable(response: object) -> tuple[int, str, dict[str, str]]:
    headers = {
        k: v
        for k, v in response.headers.items()  # type: ignore[attr-defined]
        if k.lower() not in _PER_RESPONSE
    }
    return response.status_code, response.text, headers  # type: ignore[attr-defined]


class TestTheAnswerRevealsNothing:
    def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(
        self, harness: Harness, app: FastAPI
    ) -> None:
        earn_bronze(harness, SATO)
        mails_before = len(jobs(app, "mail"))
        known = ask(harness.client, SATO)
        unknown = ask(harness.client, STRANGER)
        assert known.status_code == 200
        assert _comparable(known) == _comparable(unknown)
        assert "サインイン用のリンク" in known.text
        # Both queued one sign-in job: the request does the same work for either address.
        queued = [job for job in jobs(app, "mail")[mails_before:]]
        assert [job.event_type for job in queued] == ["learner.sign-in"] * 2
        assert all(job.sealed_recipient is not None for job in queued)
        assert all(job.payload == {"locale": "ja"} for job in queued)

    def test_an_unknown_address_gets_no_mail_and_its_sealed_address_is_erased(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        with MailServer() as server:
            deliver(app, settings, server)  # the award mail
            ask(harness.client, STRANGER)
            assert deliver(app, settings, server) == []
            assert all(STRANGER not in m.rcpt_tos for m in server.messages)
        [job] = [job for job in jobs(app, "mail") if job.event_type == "learner.sign-in"]
        assert job.state == "delivered"
        assert job.sealed_recipient is None

    def test_an_implausible_address_is_the_form_again(self, harness: Harness) -> None:
        response = ask(harness.client, "not an address")
        assert response.status_code == 400
        assert 'name="email"' in response.text
        assert "name@example.jp" in response.text


class TestTheMailedLink:
    def test_arrives_over_smtp_and_signs_in_once(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        with MailServer() as server:
            deliver(app, settings, server)
            assert ask(harness.client, f"  {SATO.upper()} ").status_code == 200
            [message] = deliver(app, settings, server)
        assert message["To"] == SATO
        assert message["Auto-Submitted"] == "auto-generated"
        assert message.get_content_type() == "multipart/alternative"
        path = link_in(message)
        # Opening the link (as mail scanners do) does not use it: it asks for a button press.
        for _ in range(2):
            opened = harness.client.get(path)
            assert opened.status_code == 200
            assert f'action="{path}"' in opened.text
            assert opened.headers["cache-control"] == "no-store"
            assert opened.headers["referrer-policy"] == "same-origin"
        cookie = use_link(harness.client, path)
        page = me(harness.client, cookie)
        assert page.status_code == 200
        assert "北海道DXリテラシー（ブロンズ）" in page.text
        harness.client.cookies.clear()
        again = harness.client.post(path, follow_redirects=False)
        assert again.status_code == 404
        assert "set-cookie" not in again.headers
        assert harness.client.get(path).status_code == 404

    def test_development_writes_the_mail_as_an_eml_file(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        ask(harness.client, SATO)
        dispatcher(app, settings, SteppedClock()).run_once()
        written = [parse(path.read_bytes()) for path in sorted(settings.mail_dir.glob("*.eml"))]
        [sign_in_mail] = [m for m in written if SIGN_IN_SUBJECT in str(m["Subject"])]
        assert sign_in_mail["To"] == SATO
        assert use_link(harness.client, link_in(sign_in_mail))

    def test_an_expired_link_is_refused(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        with MailServer() as server:
            ask(harness.client, SATO)
            [message] = deliver(app, settings, server)
        path = link_in(message)
        later = utc_now() + timedelta(minutes=settings.sign_in_link_minutes, seconds=5)
        app.state.clock = lambda: later
        assert harness.client.get(path).status_code == 404
        refused = harness.client.post(path, follow_redirects=False)
        assert refused.status_code == 404
        assert "set-cookie" not in refused.headers

    def test_forged_and_malformed_tokens_are_refused(self, harness: Harness) -> None:
        earn_bronze(harness, SATO)
        for token in (secrets.token_urlsafe(32), "short", "x" * 80):
            assert harness.client.get(f"/me/sign-in/{token}").status_code == 404
            refused = harness.client.post(f"/me/sign-in/{token}", follow_redirects=False)
            assert refused.status_code == 404
            assert "set-cookie" not in refused.headers

    def test_a_retried_mail_carries_a_fresh_link_minted_at_sending(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        # The outbox never holds a sign-in secret: the link is made when the mail is composed.
        earn_bronze(harness, SATO)
        ask(harness.client, SATO)
        [job] = [job for job in jobs(app, "mail") if job.event_type == "learner.sign-in"]
        assert "/me/sign-in/" not in str(job.payload)
        with MailServer() as server:
            [message] = deliver(app, settings, server)
        assert use_link(harness.client, link_in(message))


class TestRateLimits:
    def test_the_same_address_is_limited_known_or_not(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        assert settings.sign_in_rate_email == "3/hour"
        for address in (SATO, STRANGER):
            answers = [ask(harness.client, address) for _ in range(4)]
            assert [a.status_code for a in answers] == [200, 200, 200, 429]
            assert int(answers[-1].headers["retry-after"]) > 0
        # The same address written differently is the same bucket.
        assert ask(harness.client, SATO.upper()).status_code == 429

    def test_one_client_is_limited_across_addresses(self, harness: Harness, app: FastAPI) -> None:
        tight = app.state.settings.model_copy(update={"sign_in_rate_client": "2/hour"})
        app.state.sign_in_limits = SignInLimits(tight)
        codes = [ask(harness.client, f"learner{n}@example.jp").status_code for n in range(3)]
        assert codes == [200, 200, 429]


class TestOtherSites:
    def test_a_post_from_another_sites_page_is_refused(self, harness: Harness) -> None:
        earn_bronze(harness, SATO)
        for headers in (
            {"origin": "https://evil.example"},
            {"sec-fetch-site": "cross-site"},
            {"origin": "null", "sec-fetch-site": "cross-site"},
        ):
            refused = ask(harness.client, SATO, **headers)
            assert refused.status_code == 403
        # A page with Referrer-Policy no-referrer makes the browser send Origin: null.
        assert (
            ask(
                harness.client, SATO, origin="null", **{"sec-fetch-site": "same-origin"}
            ).status_code
            == 200
        )
        assert ask(harness.client, SATO, origin="http://localhost:8000").status_code == 200

    def test_a_one_time_link_posted_from_another_site_is_not_used(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        with MailServer() as server:
            cookie_path = None
            ask(harness.client, SATO)
            [message] = deliver(app, settings, server)
        path = link_in(message)
        refused = harness.client.post(
            path, headers={"origin": "https://evil.example"}, follow_redirects=False
        )
        assert refused.status_code == 403
        assert cookie_path is None
        assert use_link(harness.client, path)


def test_the_whole_sign_in_helper_works(
    harness: Harness, app: FastAPI, settings: Settings, client: TestClient
) -> None:
    earn_bronze(harness, SATO)
    with MailServer() as server:
        cookie = sign_in(client, app, settings, server, SATO)
    assert me(client, cookie).status_code == 200
