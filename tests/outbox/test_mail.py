"""Award mail through a real SMTP server on loopback (aiosmtpd), and .eml files without one."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from badge_issuer.config import Environment, Settings
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now
from badge_issuer.outbox.mail import queue as mail_queue
from badge_issuer.outbox.mail import smtp
from badge_issuer.wallet import claims
from tests.harness import Harness
from tests.outbox.receivers import MailServer, self_signed_certificate
from tests.outbox.support import SteppedClock, deliveries, dispatcher, earn_bronze, jobs

LEARNER = "hanako@example.jp"


def _with_smtp(settings: Settings, url: str, ca_file: Path | None = None) -> Settings:
    return settings.model_copy(update={"smtp_url": SecretStr(url), "smtp_ca_file": ca_file})


def _parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()  # type: ignore[union-attr]


class TestAwardMail:
    def test_plain_smtp_delivers_a_bilingual_message_then_erases_the_address(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        with MailServer() as server:
            answer = earn_bronze(harness, LEARNER)
            worker = dispatcher(
                app, _with_smtp(settings, f"smtp://127.0.0.1:{server.port}"), SteppedClock()
            )
            assert worker.run_once() == 1
        [received] = server.messages
        assert received.rcpt_tos == [LEARNER]
        message = _parse(received.data)
        [job] = jobs(app, "mail")
        assert message["Message-ID"] == f"<{job.event_id}@localhost>"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Date"] is not None
        assert message["To"] == LEARNER
        assert "北海道DXリテラシー（ブロンズ）" in message["Subject"]
        assert message.get_content_type() == "multipart/alternative"
        text, html = _parts(message)
        credential_url = answer["awards"][0]["credential_url"]
        for part in (text, html):
            assert "北海道DXリテラシー（ブロンズ）" in part
            assert "北海道" in part  # the issuer
            assert "DX入門" in part
            assert "データ活用の基礎" in part
            assert "まなびポータル" in part
            assert credential_url in part
            assert "次のバッジ" in part
            assert "What is next" in part
            assert part.index("取得の理由") < part.index("Why")  # Japanese first, English below
        assert '<html lang="ja">' in html
        # The claim link is the wallet's: signed, expiring, bound to this credential.
        [claim_url] = set(re.findall(r"http://localhost:8000/claim/[^\s<\"]+", text + html))
        for session in session_scope(app.state.session_factory):
            opened = claims.open_claim(
                session, token=claim_url.rsplit("/", 1)[1], settings=settings, now=utc_now()
            )
            assert opened.award.uuid == answer["awards"][0]["credential_id"]
        assert job.state == "delivered"
        assert job.sealed_recipient is None

    def test_starttls_with_authentication_and_a_private_ca(
        self, harness: Harness, app: FastAPI, settings: Settings, tmp_path: Path
    ) -> None:
        certificate = self_signed_certificate(tmp_path)
        with MailServer("starttls", certificate, login=("mailer", "p@ss word")) as server:
            earn_bronze(harness, LEARNER)
            url = f"smtp+starttls://mailer:p%40ss%20word@localhost:{server.port}"
            worker = dispatcher(app, _with_smtp(settings, url, certificate[0]), SteppedClock())
            worker.run_once()
        assert server.logins == ["mailer"]
        assert [m.rcpt_tos for m in server.messages] == [[LEARNER]]

    def test_smtps_with_authentication(
        self, harness: Harness, app: FastAPI, settings: Settings, tmp_path: Path
    ) -> None:
        certificate = self_signed_certificate(tmp_path)
        with MailServer("tls", certificate, login=("mailer", "secret")) as server:
            earn_bronze(harness, LEARNER)
            url = f"smtps://mailer:secret@localhost:{server.port}"
            dispatcher(app, _with_smtp(settings, url, certificate[0]), SteppedClock()).run_once()
        assert server.logins == ["mailer"]
        assert len(server.messages) == 1

    def test_an_untrusted_certificate_is_a_failed_attempt(
        self, harness: Harness, app: FastAPI, settings: Settings, tmp_path: Path
    ) -> None:
        certificate = self_signed_certificate(tmp_path)
        with MailServer("tls", certificate) as server:
            earn_bronze(harness, LEARNER)
            url = f"smtps://localhost:{server.port}"
            dispatcher(app, _with_smtp(settings, url), SteppedClock()).run_once()
        assert server.messages == []
        [job] = deliveries(harness, channel="mail")
        assert job["state"] == "pending"
        assert job["recipient_held"] is True
        assert "CERTIFICATE_VERIFY_FAILED" in job["last_error"]

    def test_a_permanent_refusal_dead_letters_without_naming_the_address(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        with MailServer(rcpt_status="550 5.1.1 <hanako@example.jp>: no such user") as server:
            earn_bronze(harness, LEARNER)
            url = f"smtp://127.0.0.1:{server.port}"
            dispatcher(app, _with_smtp(settings, url), SteppedClock()).run_once()
        [job] = deliveries(harness, channel="mail")
        assert job["state"] == "dead"
        assert job["last_error"] == "recipient refused (SMTP [550])"

    def test_a_server_that_is_down_is_retried(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        with MailServer() as server:
            port = server.port
        earn_bronze(harness, LEARNER)
        dispatcher(app, _with_smtp(settings, f"smtp://127.0.0.1:{port}"), SteppedClock()).run_once()
        [job] = deliveries(harness, channel="mail")
        assert job["state"] == "pending"
        assert job["attempts"] == 1
        assert job["last_error"].startswith("cannot reach 127.0.0.1")

    def test_a_direct_award_mails_the_admins_reasons(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        response = harness.client.post(
            "/v1/admin/credentials",
            json={
                "achievement_id": "dx-literacy-bronze",
                "email": LEARNER,
                "narrative": "現場での業務改善の実績 (practical experience)",
            },
            headers=harness.admin,
        )
        assert response.status_code == 201, response.text
        with MailServer() as server:
            dispatcher(
                app, _with_smtp(settings, f"smtp://127.0.0.1:{server.port}"), SteppedClock()
            ).run_once()
        text, _html = _parts(_parse(server.messages[0].data))
        assert "現場での業務改善の実績" in text


class TestWhatIsNext:
    """The mail's "what is next": the nearest badges, the rule in words, the courses missing
    (with the skill map's course links), in Japanese and English, text and HTML."""

    def _received(self, harness: Harness, app: FastAPI, settings: Settings) -> tuple[str, str]:
        with MailServer() as server:
            earn_bronze(harness, LEARNER)
            worker = dispatcher(
                app, _with_smtp(settings, f"smtp://127.0.0.1:{server.port}"), SteppedClock()
            )
            assert worker.run_once() == 1
        [received] = server.messages
        return _parts(_parse(received.data))

    def test_names_the_missing_courses_of_the_nearest_badges(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        text, html = self._received(harness, app, settings)
        for part in (text, html):
            ja, en = part.split("English" if part is text else '<div lang="en">', 1)
            # Nearest first: one course to go, then two, then a badge and a course.
            order = [
                ja.index("ノーコード業務改善プラクティショナー", ja.index("次のバッジ")),
                ja.index("北海道DX実践（シルバー）", ja.index("次のバッジ")),
                ja.index("地域DXリーダー（ゴールド）", ja.index("次のバッジ")),
            ]
            assert order == sorted(order)
            # The rule in words, and where the learner stands.
            assert "「ノーコードで作る業務アプリ」を80点以上で修了" in ja
            assert "365日以内に次の2講座をすべて修了" in ja
            assert "[済] 「北海道DXリテラシー（ブロンズ）」を保有" in ja
            assert "2項目のうち1項目を達成（あと1項目）" in ja
            assert "Complete “ノーコードで作る業務アプリ” with a score of at least 80" in en
            assert "Complete all 2 of these courses within 365 days" in en
            assert "[done] Hold “北海道DXリテラシー（ブロンズ）”" in en
            # The courses missing, by name and provider, with links where the map has them.
            for words in (ja, en):
                assert "地域企業データに基づくケーススタディ" in words
                assert "北大MOOC" in words
                assert "Python入門" in words
                assert "北見ITアカデミー" in words
                assert "地域課題解決PBL" in words
                assert "https://kitami-it.example.jp/courses/NC201" in words
                assert "https://mooc.hokudai.example.jp/CASE-300" in words
                assert "https://mooc.hokudai.example.jp/CASE-310" in words
                # Courses already done are not "missing": no link to them.
                assert "https://manabi.example.jp/courses/DXL-101" not in words
            assert "先に取得が必要なバッジ: 北海道DX実践（シルバー）" in ja
            # Gold: silver's two courses and its own one.
            assert "あと3講座の修了" in ja
            assert "To go: 3 more courses" in en
            assert "Badges you need first: 北海道DX実践（シルバー）" in en
        assert '<a href="https://mooc.hokudai.example.jp/CASE-300">' in html

    def test_a_learner_holding_every_badge_gets_no_next_section(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        for achievement in ("dx-case-silver", "nocode-practitioner", "regional-dx-leader-gold"):
            response = harness.client.post(
                "/v1/admin/credentials",
                json={"achievement_id": achievement, "email": LEARNER, "narrative": "実務経験"},
                headers=harness.admin,
            )
            assert response.status_code == 201, response.text
        earn_bronze(harness, LEARNER)
        with MailServer() as server:
            worker = dispatcher(
                app, _with_smtp(settings, f"smtp://127.0.0.1:{server.port}"), SteppedClock()
            )
            while worker.run_once():
                pass
        assert len(server.messages) == 4
        for received in server.messages:
            text, html = _parts(_parse(received.data))
            for part in (text, html):
                assert "次のバッジ" not in part
                assert "What is next" not in part


class TestWithoutSmtp:
    def test_development_writes_an_eml_file(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, LEARNER)
        dispatcher(app, settings, SteppedClock()).run_once()
        [path] = list(settings.mail_dir.glob("*.eml"))
        assert path.stat().st_mode & 0o077 == 0  # it holds an address: owner only
        message = _parse(path.read_bytes())
        assert message["To"] == LEARNER
        assert "北海道DXリテラシー（ブロンズ）" in message["Subject"]

    def test_production_without_smtp_queues_no_mail(self, settings: Settings) -> None:
        production = settings.model_copy(update={"env": Environment.PRODUCTION})
        assert not mail_queue.mail_enabled(production)
        with_smtp = _with_smtp(production, "smtps://mail.example.jp")
        assert mail_queue.mail_enabled(with_smtp)


class TestSmtpUrls:
    @pytest.mark.parametrize(
        ("url", "security", "port", "user"),
        [
            ("smtp://mail.example.jp:2525", "none", 2525, None),
            ("smtp://mail.example.jp", "none", 25, None),
            ("smtp+starttls://u%40x:p@mail.example.jp", "starttls", 587, "u@x"),
            ("smtps://u:p@mail.example.jp", "tls", 465, "u"),
        ],
    )
    def test_parse(self, url: str, security: str, port: int, user: str | None) -> None:
        server = smtp.parse_url(url)
        assert (server.security, server.port, server.username) == (security, port, user)
        assert "p" not in repr(server).replace("port", "").split("password")[0][-3:]

    @pytest.mark.parametrize("url", ["http://mail.example.jp", "smtp://", "smtp://h:99999"])
    def test_refused(self, url: str) -> None:
        with pytest.raises(smtp.SmtpUrlInvalid):
            smtp.parse_url(url)
