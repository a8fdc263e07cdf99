"""The pages over HTTP: negotiation, languages, headers, the verdict, the forms (both databases)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from tests.harness import Harness
from tests.pages.factories import BROWSER, earn_bronze, revoke
from tests.verification.factories import db, make_issuer, store_award

HTML = {"Accept": BROWSER}
EMAIL = "sato.hanako@example.jp"


@pytest.fixture
def bronze(harness: Harness) -> str:
    return earn_bronze(harness, EMAIL)


def _stored_bytes(app: FastAPI, credential_uuid: str) -> bytes:
    with db(app) as session:
        award = award_repository.get_by_uuid(session, credential_uuid)
        assert award is not None
        return award.document.encode("utf-8")


def _page(client: TestClient, path: str, **headers: str) -> str:
    answer = client.get(path, headers={**HTML, **headers})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    return answer.text


def _text(html: str) -> str:
    """The page's text without tags and with whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class TestCredentialNegotiation:
    def test_a_browser_gets_the_badge_page_in_japanese(self, harness: Harness, bronze: str) -> None:
        html = _page(harness.client, f"/credentials/{bronze}")
        assert '<html lang="ja">' in html
        assert "有効" in _text(html)
        assert "北海道DXリテラシー（ブロンズ）" in html

    def test_programs_get_the_stored_json_byte_for_byte(
        self, app: FastAPI, harness: Harness, bronze: str
    ) -> None:
        stored = _stored_bytes(app, bronze)
        for accept in (
            None,
            "application/json",
            "application/ld+json",
            "*/*",
            "text/html;q=0.5, */*",
        ):
            headers = {"Accept": accept} if accept else {}
            answer = harness.client.get(f"/credentials/{bronze}", headers=headers)
            assert answer.status_code == 200
            assert answer.headers["content-type"] == "application/json"
            assert answer.content == stored, accept
            assert answer.headers["vary"] == "Accept, Accept-Language"

    def test_format_json_gives_a_browser_the_json_to_download(
        self, app: FastAPI, harness: Harness, bronze: str
    ) -> None:
        answer = harness.client.get(f"/credentials/{bronze}?format=json", headers=HTML)
        assert answer.content == _stored_bytes(app, bronze)

    def test_the_page_varies_on_accept_and_language_and_forbids_inline_code(
        self, harness: Harness, bronze: str
    ) -> None:
        answer = harness.client.get(f"/credentials/{bronze}", headers=HTML)
        assert answer.headers["vary"] == "Accept, Accept-Language"
        policy = answer.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "unsafe-inline" not in policy
        assert answer.headers["cache-control"] == "no-cache"

    def test_language_comes_from_the_query_then_accept_language(
        self, harness: Harness, bronze: str
    ) -> None:
        cases = [
            ("?lang=en", None, "en", "Valid"),
            ("", "en-US,en;q=0.9,ja;q=0.8", "en", "Valid"),
            ("", "fr, en;q=0.5", "en", "Valid"),
            ("", "fr", "ja", "有効"),
            ("?lang=ja", "en", "ja", "有効"),
            ("?lang=xx", None, "ja", "有効"),
        ]
        for query, accept_language, lang, verdict in cases:
            extra = {"Accept-Language": accept_language} if accept_language else {}
            html = _page(harness.client, f"/credentials/{bronze}{query}", **extra)
            assert f'<html lang="{lang}">' in html, (query, accept_language)
            assert verdict in _text(html)

    def test_no_script_no_inline_style_and_nothing_from_another_origin(
        self, harness: Harness, bronze: str
    ) -> None:
        html = _page(harness.client, f"/credentials/{bronze}")
        assert "<script" not in html
        assert "style=" not in html
        assert "<style" not in html
        loaded = re.findall(r'<(?:img|link)[^>]*?(?:src|href)="([^"]+)"', html)
        loaded = [url for url in loaded if 'rel="canonical"' not in url]
        assert loaded
        for url in loaded:
            # data: is the empty favicon, which spares browsers a request for /favicon.ico.
            assert url.startswith(("/", "http://localhost:8000/", "data:")), url

    def test_shows_evidence_skills_dates_and_issuer_but_never_the_email(
        self, harness: Harness, bronze: str
    ) -> None:
        text = _text(_page(harness.client, f"/credentials/{bronze}"))
        for expected in (
            "DX入門",
            "情報セキュリティの基礎",
            "まなびポータル",
            "2026年10月1日",
            "DSS-L-How-Security",
            "確認済みのメールアドレスの保有者",
            "北海道 (Hokkaido Prefecture)",
        ):
            assert expected in text
        assert EMAIL not in text

    def test_link_preview_and_linkedin_and_downloads(self, harness: Harness, bronze: str) -> None:
        html = _page(harness.client, f"/credentials/{bronze}")
        url = f"http://localhost:8000/credentials/{bronze}"
        assert f'<meta property="og:url" content="{url}">' in html
        assert '<meta property="og:title" content="北海道DXリテラシー（ブロンズ）">' in html
        assert '<meta name="twitter:card" content="summary">' in html
        assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html
        assert f"certId={bronze}" in html
        assert f'href="/credentials/{bronze}/image.svg"' in html
        assert f'href="/credentials/{bronze}?format=json"' in html
        assert 'href="/achievements/dx-literacy-bronze"' in html

    def test_unknown_credential_is_a_404_page_for_browsers_and_a_problem_for_programs(
        self, harness: Harness
    ) -> None:
        path = "/credentials/00000000-0000-4000-8000-000000000000"
        page = harness.client.get(path, headers=HTML)
        assert page.status_code == 404
        assert "見つかりません" in page.text
        problem = harness.client.get(path)
        assert problem.status_code == 404
        assert problem.headers["content-type"] == "application/problem+json"


class TestVerdict:
    def test_revocation_turns_the_verdict_to_revoked_with_its_date(
        self, harness: Harness, bronze: str
    ) -> None:
        assert "有効" in _text(_page(harness.client, f"/credentials/{bronze}"))
        revoke(harness.client, bronze)
        text = _text(_page(harness.client, f"/credentials/{bronze}"))
        today = utc_now()
        assert f"失効（{today.year}年{today.month}月{today.day}日）" in text
        assert "有効 " not in text
        assert "Revoked on" in _text(_page(harness.client, f"/credentials/{bronze}?lang=en"))

    def test_an_expired_badge_says_so_with_the_date(
        self, app: FastAPI, client: TestClient, settings: Settings
    ) -> None:
        now = utc_now()
        with db(app) as session:
            issuer = make_issuer(session, slug="otaru", now=now, settings=settings)
            award = store_award(
                session,
                issuer=issuer,
                settings=settings,
                now=now,
                valid_from=now - timedelta(days=800),
                valid_until=now - timedelta(days=35),
            )
            uuid = award.uuid
        html = _page(client, f"/credentials/{uuid}")
        assert "期限切れ（" in _text(html)
        assert "有効期限が過ぎています" in _text(html)
        # No skill map describes this test achievement: no link to a page that does not exist.
        assert "/achievements/dx-basics" not in html


class TestRecipientCheck:
    def test_the_right_email_is_a_yes_without_echoing_it(
        self, harness: Harness, bronze: str
    ) -> None:
        answer = harness.client.post(
            f"/credentials/{bronze}/recipient-check", data={"email": EMAIL}, headers=HTML
        )
        assert answer.status_code == 200
        assert "はい：" in answer.text
        assert EMAIL not in answer.text

    def test_another_email_is_a_no(self, harness: Harness, bronze: str) -> None:
        answer = harness.client.post(
            f"/credentials/{bronze}/recipient-check?lang=en",
            data={"email": "someone.else@example.jp"},
            headers=HTML,
        )
        assert "No: this badge was not issued to that email address." in answer.text

    def test_a_missing_email_is_a_422_problem(self, harness: Harness, bronze: str) -> None:
        answer = harness.client.post(f"/credentials/{bronze}/recipient-check", data={})
        assert answer.status_code == 422


class TestAchievementPage:
    def test_the_rule_in_words_and_the_courses_that_count(self, harness: Harness) -> None:
        text = _text(_page(harness.client, "/achievements/dx-literacy-bronze"))
        assert "次の3講座のうち2講座を修了" in text
        assert "「DX入門」（まなびポータル）を修了" in text
        assert "データ活用の基礎" in text
        assert "DSS-L-What-Data" in text

    def test_prerequisites_scores_and_time_windows_in_english(self, harness: Harness) -> None:
        nocode = _text(_page(harness.client, "/achievements/nocode-practitioner?lang=en"))
        assert "Hold the badge “北海道DXリテラシー（ブロンズ）”" in nocode
        assert "with a score of 80 or more" in nocode
        silver = _text(_page(harness.client, "/achievements/dx-case-silver?lang=en"))
        assert "All of the following, within 365 days" in silver

    def test_programs_still_get_the_catalog_json(self, harness: Harness) -> None:
        plain = harness.client.get("/achievements/dx-literacy-bronze")
        assert plain.headers["content-type"] == "application/json"
        assert plain.json()["id"] == "dx-literacy-bronze"
        assert plain.headers["vary"] == "Accept, Accept-Language"
        wildcard = harness.client.get("/achievements/dx-literacy-bronze", headers={"Accept": "*/*"})
        assert wildcard.content == plain.content

    def test_unknown_achievement_is_a_404_page(self, harness: Harness) -> None:
        assert harness.client.get("/achievements/nope", headers=HTML).status_code == 404


class TestIssuerPage:
    def test_name_and_badges(self, harness: Harness) -> None:
        text = _text(_page(harness.client, "/issuers/default"))
        assert "北海道 (Hokkaido Prefecture)" in text
        assert "地域DXリーダー（ゴールド）" in text

    def test_programs_still_get_the_profile(self, harness: Harness) -> None:
        answer = harness.client.get("/issuers/default")
        assert answer.headers["content-type"] == "application/ld+json"
        assert answer.json()["type"] == ["Profile"]
        assert answer.headers["vary"] == "Accept, Accept-Language"


class TestLandingAndStylesheet:
    def test_landing_lists_the_badges(self, harness: Harness) -> None:
        text = _text(_page(harness.client, "/"))
        assert "北海道DX実践（シルバー）" in text
        assert "バッジを検証する" in text

    def test_landing_without_a_skill_map_says_so(self, client: TestClient) -> None:
        assert "公開されているバッジはまだありません" in _text(_page(client, "/"))

    def test_the_stylesheet_is_served_by_the_service(self, client: TestClient) -> None:
        answer = client.get("/static/pages.css")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/css")
        assert "@media print" in answer.text


class TestVerifyPage:
    def test_get_shows_the_form(self, client: TestClient) -> None:
        html = _page(client, "/verify")
        assert 'enctype="multipart/form-data"' in html
        assert 'action="/verify/page"' in html

    def test_pasted_json_is_verified(self, harness: Harness, bronze: str) -> None:
        document = harness.client.get(f"/credentials/{bronze}").text
        answer = harness.client.post("/verify/page", data={"credential": document}, headers=HTML)
        assert answer.status_code == 200
        assert "有効" in _text(answer.text)
        assert f'href="/credentials/{bronze}"' in answer.text

    def test_an_uploaded_baked_svg_after_revocation_is_revoked(
        self, harness: Harness, bronze: str
    ) -> None:
        svg = harness.client.get(f"/credentials/{bronze}/image.svg").content
        revoke(harness.client, bronze)
        answer = harness.client.post(
            "/verify/page?lang=en",
            files={"file": ("badge.svg", svg, "image/svg+xml")},
            headers=HTML,
        )
        assert answer.status_code == 200
        assert "Revoked on" in _text(answer.text)

    def test_something_that_is_not_a_badge_is_explained(self, client: TestClient) -> None:
        answer = client.post("/verify/page", data={"credential": "hello"}, headers=HTML)
        assert answer.status_code == 400
        assert "バッジを読み取れませんでした" in answer.text

    def test_nothing_sent_asks_for_something(self, client: TestClient) -> None:
        answer = client.post("/verify/page", data={}, headers=HTML)
        assert answer.status_code == 400
        assert 'href="/verify?lang=en"' in answer.text
        assert "貼り付けてください" in answer.text

    def test_the_json_api_of_post_verify_is_unchanged(self, harness: Harness, bronze: str) -> None:
        document = harness.client.get(f"/credentials/{bronze}").json()
        report = harness.client.post("/verify", json=document, headers=HTML)
        assert report.headers["content-type"] == "application/json"
        assert report.json()["verified"] is True
