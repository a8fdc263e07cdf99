"""My badges in a real browser (headless Debian Chromium via Playwright, as the badge and claim
pages): from the claim page's "See all my badges" button and from the mailed sign-in link to the
page, on a phone, with no console error, no overflow and no serious axe violation; sign-out.
Phone screenshots go to BADGE_ISSUER_SCREENSHOTS=<dir> (docs/screenshots/ holds the committed
ones)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page

from badge_issuer.config import Settings
from tests.mybadges.support import SIGN_IN_SUBJECT, parse
from tests.outbox.support import SteppedClock, dispatcher
from tests.pages.browser import PHONE, PageErrors, chromium, example_site, serving
from tests.wallet.factories import SATO, claim_links, completion, earn_bronze

SERIOUS = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BRONZE = "北海道DXリテラシー（ブロンズ）"


@dataclass
class Site:
    origin: str
    app: FastAPI
    settings: Settings
    claim_url: str
    shots: Path


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("mybadges-site")
    prepared = example_site(folder, sqlite_template, mail_dir=folder / "mail")
    port, settings, app, harness = prepared.port, prepared.settings, prepared.app, prepared.harness
    links = claim_links(harness, earn_bronze(harness, SATO))
    # On the way to silver: one of its two courses done.
    harness.post_completion("hokudai-mooc", completion(SATO, "CASE-300", 5, 90))
    shots = Path(os.environ.get("BADGE_ISSUER_SCREENSHOTS") or folder / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with serving(app, port) as origin:
            yield Site(origin, app, settings, links["claim_url"], shots)
    finally:
        app.state.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _phone(browser: Browser, lang: str) -> BrowserContext:
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=f"{lang}-JP")


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _no_serious_axe_violation(page: Page) -> None:
    page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    serious = [v for v in result["violations"] if v.get("impact") in SERIOUS]
    assert serious == [], json.dumps(serious, indent=1)[:2000]


class TestFromTheClaimPage:
    @pytest.mark.parametrize("lang", ["ja", "en"])
    def test_see_all_my_badges_then_sign_out(self, site: Site, browser: Browser, lang: str) -> None:
        context = _phone(browser, lang)
        page = context.new_page()
        try:
            errors = PageErrors()
            errors.watch(page)
            page.goto(f"{site.claim_url}?lang={lang}", wait_until="load")
            _fits_the_phone(page)
            page.screenshot(
                path=str(site.shots / f"my-badges-claim-page-phone-{lang}.png"), full_page=True
            )
            button = "すべてのバッジを見る" if lang == "ja" else "See all my badges"
            page.get_by_role("button", name=button).click()
            page.wait_for_url(f"{site.origin}/me?lang={lang}")
            heading = "マイバッジ" if lang == "ja" else "My badges"
            assert page.locator("h1").inner_text() == heading
            assert BRONZE in page.locator("ul.held").inner_text()
            # The way to silver names the course still missing, and links those with a page.
            silver = page.locator("article[aria-labelledby='next-dx-case-silver']")
            assert (
                "不足している講座" if lang == "ja" else "Courses missing"
            ) in silver.inner_text()
            assert "Python入門" in silver.locator("ul.steps-missing").inner_text()
            gold = page.locator("article[aria-labelledby='next-regional-dx-leader-gold']")
            link = gold.locator("ul.steps-missing a", has_text="地域課題解決PBL")
            assert link.get_attribute("href") == "https://mooc.hokudai.example.jp/CASE-310"
            [cookie] = context.cookies()
            assert cookie["httpOnly"] is True
            assert cookie["sameSite"] == "Lax"
            _fits_the_phone(page)
            page.screenshot(path=str(site.shots / f"my-badges-phone-{lang}.png"), full_page=True)
            _no_serious_axe_violation(page)
            assert errors.messages == []
            page.get_by_role("button", name="サインアウト" if lang == "ja" else "Sign out").click()
            page.wait_for_url(f"{site.origin}/me/sign-in?lang={lang}")
            assert context.cookies() == []
            page.goto(f"{site.origin}/me", wait_until="load")
            assert page.url == f"{site.origin}/me/sign-in"
        finally:
            context.close()


class TestByMail:
    def test_ask_for_a_link_open_it_and_sign_in(self, site: Site, browser: Browser) -> None:
        context = _phone(browser, "ja")
        page = context.new_page()
        try:
            errors = PageErrors()
            errors.watch(page)
            page.goto(f"{site.origin}/me", wait_until="load")
            assert page.url == f"{site.origin}/me/sign-in"
            _no_serious_axe_violation(page)
            page.screenshot(path=str(site.shots / "my-badges-sign-in-phone-ja.png"), full_page=True)
            page.get_by_label("バッジを受け取ったメールアドレス").fill(SATO)
            page.get_by_role("button", name="サインイン用のリンクをメールで受け取る").click()
            page.wait_for_url(f"{site.origin}/me/sign-in")
            assert "メールをご確認ください" in page.locator("h1").inner_text()
            dispatcher(site.app, site.settings, SteppedClock()).run_once()
            mails = [parse(p.read_bytes()) for p in site.settings.mail_dir.glob("*.eml")]
            [mail] = [m for m in mails if SIGN_IN_SUBJECT in str(m["Subject"])]
            text = mail.get_body(preferencelist=("plain",))
            assert text is not None
            [link] = [
                line
                for line in text.get_content().splitlines()  # type: ignore[union-attr]
                if line.startswith(f"{site.origin}/me/sign-in/")
            ]
            page.goto(link, wait_until="load")
            page.get_by_role("button", name="サインイン").click()
            page.wait_for_url(f"{site.origin}/me")
            assert BRONZE in page.locator("ul.held").inner_text()
            assert errors.messages == []
            # The link worked once.
            response = page.goto(link, wait_until="load")
            assert response is not None
            assert response.status == 404
        finally:
            context.close()
