""" "My badges": every badge held across issuers, revoked and expired ones marked, wallet
copies left out, in Japanese and English."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select

from badge_issuer.awards import wallet_copy
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now
from tests.harness import Harness
from tests.keys.admin_api import AdminApi
from tests.mybadges.support import ask, deliver, link_in, me, sign_in, use_link
from tests.outbox.receivers import MailServer
from tests.outbox.support import SteppedClock
from tests.shared_data import example_path
from tests.wallet.factories import SATO, completion, earn_bronze

BRONZE = "北海道DXリテラシー（ブロンズ）"
NOCODE = "ノーコード業務改善プラクティショナー"


def _next(page: str, achievement_id: str) -> str:
    """The progress block of one badge not held."""
    start = page.index(f'aria-labelledby="next-{achievement_id}"')
    return page[start : page.index("</article>", start)]


def _card(page: str, uuid: str) -> str:
    """The list item of one credential."""
    start = page.index(f'href="/credentials/{uuid}"')
    return page[page.rindex("<li", 0, start) : page.index("</li>", start)]


class TestHeldBadges:
    def test_every_issuer_and_revoked_marked(
        self, harness: Harness, app: FastAPI, settings: Settings, api: AdminApi
    ) -> None:
        api.create_issuer("sapporo", "札幌市 (Sapporo)")
        api.activate("sapporo", api.create_key("sapporo"))
        skill_map = example_path("skill-map.yaml").read_text()
        marker = "    skills: [nocode-automation]\n"
        harness.load_skill_map(
            (skill_map.replace(marker, marker + "    issuer: sapporo\n")).encode()
        )
        bronze = earn_bronze(harness, SATO)
        answer = harness.post_completion("kitami-it-academy", completion(SATO, "NC201", 3, 85))
        assert answer.status_code == 201, answer.text
        [nocode] = [a["credential_id"] for a in answer.json()["awards"]]
        revoked = harness.client.post(
            f"/v1/admin/credentials/{nocode}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        assert revoked.status_code == 200, revoked.text
        with MailServer() as server:
            cookie = sign_in(harness.client, app, settings, server, SATO)
        page = me(harness.client, cookie).text
        bronze_card, nocode_card = _card(page, bronze), _card(page, nocode)
        assert BRONZE in bronze_card
        assert "北海道" in bronze_card
        assert "standing-valid" in bronze_card
        assert "有効期限" in bronze_card
        assert f'action="/me/badges/{bronze}/claim-link"' in bronze_card
        assert NOCODE in nocode_card
        assert "札幌市 (Sapporo)" in nocode_card
        assert "standing-revoked" in nocode_card
        assert "失効" in nocode_card
        assert "claim-link" not in nocode_card  # nothing to claim any more
        # Its rule is met, so it is not among the badges still to earn either.
        assert 'aria-labelledby="next-nocode-practitioner"' not in page

    def test_an_expired_badge_is_marked(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        bronze = earn_bronze(harness, SATO)
        # Three years and a day later (bronze is valid 1095 days): mail, link and page then.
        clock = SteppedClock()
        clock.skip(timedelta(days=1096).total_seconds())
        with MailServer() as server:
            ask(harness.client, SATO)
            [message] = deliver(app, settings, server, clock)
        app.state.clock = clock
        cookie = use_link(harness.client, link_in(message))
        page = me(harness.client, cookie).text
        card = _card(page, bronze)
        assert "standing-expired" in card
        assert "期限切れ" in card
        assert "claim-link" not in card

    def test_a_wallet_copy_is_not_listed_twice(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        bronze = earn_bronze(harness, SATO)
        for session in session_scope(app.state.session_factory):
            original = session.scalars(select(Award).where(Award.uuid == bronze)).one()
            copy = wallet_copy.issue_wallet_copy(
                session,
                original=original,
                holder_did="did:key:z6Mkw4zvxN7kmm6wSEk9syaoBDgj7hTujmVjZ6URwbWQgSME",
                settings=settings,
                now=utc_now(),
            )
            copy_uuid = copy.uuid
        with MailServer() as server:
            cookie = sign_in(harness.client, app, settings, server, SATO)
        page = me(harness.client, cookie).text
        assert page.count(f'href="/credentials/{bronze}"') == 1
        assert copy_uuid not in page

    def test_english_page(self, harness: Harness, app: FastAPI, settings: Settings) -> None:
        earn_bronze(harness, SATO)
        with MailServer() as server:
            cookie = sign_in(harness.client, app, settings, server, SATO)
        harness.client.cookies.set("badge-session", cookie)
        page = harness.client.get("/me?lang=en")
        assert page.status_code == 200
        assert "<h1>My badges</h1>" in page.text
        assert "Badges you hold" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "script-src" not in page.headers["content-security-policy"]
        assert "'unsafe-inline'" not in page.headers["content-security-policy"]


class TestTheWayToTheNextBadges:
    def test_rule_in_words_courses_done_with_dates_and_missing_with_links(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        done = harness.post_completion("hokudai-mooc", completion(SATO, "CASE-300", 5, 90))
        assert done.status_code == 201, done.text
        with MailServer() as server:
            cookie = sign_in(harness.client, app, settings, server, SATO)
        page = me(harness.client, cookie).text
        assert 'aria-labelledby="next-dx-literacy-bronze"' not in page  # held
        silver = _next(page, "dx-case-silver")
        assert "北海道DX実践（シルバー）" in silver
        # The rule in words, each part marked when met.
        assert (
            '「北海道DXリテラシー（ブロンズ）」を保有 <span class="met">（達成）</span>' in silver
        )
        assert "365日以内に次の2講座をすべて修了</li>" in silver
        assert "「Python入門」を修了</li>" in silver
        missing, finished = silver.split("不足している講座")[1].split("修了した講座")
        # Python入門 has no page in the skill map: named, not linked.
        assert '<li>Python入門 <span class="muted">(北見ITアカデミー)</span></li>' in missing
        assert "地域企業データに基づくケーススタディ" not in missing  # done: not missing
        assert "地域企業データに基づくケーススタディ" in finished
        assert "2026年10月5日" in finished
        assert "北大MOOC" in finished
        nocode = _next(page, "nocode-practitioner")
        assert (
            '<a href="https://kitami-it.example.jp/courses/NC201" rel="noopener">'
            "ノーコードで作る業務アプリ</a>"
        ) in nocode
        assert "80点以上" in nocode
        gold = _next(page, "regional-dx-leader-gold")
        assert "先に必要なバッジ: 北海道DX実践（シルバー）" in gold
        assert "地域課題解決PBL" in gold
        # Nearest first: the one-course-to-go badges come before gold.
        assert page.index('next-dx-case-silver"') < page.index('next-regional-dx-leader-gold"')
        assert page.index('next-nocode-practitioner"') < page.index('next-regional-dx-leader-gold"')

    def test_in_english(self, harness: Harness, app: FastAPI, settings: Settings) -> None:
        earn_bronze(harness, SATO)
        with MailServer() as server:
            cookie = sign_in(harness.client, app, settings, server, SATO)
        harness.client.cookies.set("badge-session", cookie)
        page = harness.client.get("/me?lang=en").text
        silver = _next(page, "dx-case-silver")
        assert "within 365 days" in silver
        assert "Courses missing" in silver
        assert "Badges needed first" not in silver  # bronze is held

    def test_courses_done_too_far_apart_are_to_be_taken_again(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, SATO)
        early = completion(SATO, "CASE-300", 5, 90) | {"completed_at": "2024-09-01T10:00:00+09:00"}
        for provider, body in (
            ("hokudai-mooc", early),
            ("kitami-it-academy", completion(SATO, "PY101", 6, 90)),
        ):
            answer = harness.post_completion(provider, body)
            assert answer.status_code == 201, answer.text
            assert answer.json()["awards"] == []
        with MailServer() as server:
            cookie = sign_in(harness.client, app, settings, server, SATO)
        silver = _next(me(harness.client, cookie).text, "dx-case-silver")
        assert "不足している講座" not in silver
        again = silver.split("もう一度受講してください")[1].split("</ul>")[0]
        assert "地域企業データに基づくケーススタディ" in again
        assert "Python入門" in again
