"""The pages in a real browser: headless Chromium (Debian) driven by Playwright.

One live server on SQLite holds a valid, a revoked and an expired badge. The tests check that
the pages load without console errors, that the QR code decodes to the page's URL, that axe-core
finds no serious or critical WCAG violation, take phone and desktop screenshots, and watch the
verdict change after a revocation. Set BADGE_ISSUER_SCREENSHOTS=<dir> to keep the screenshots
(docs/screenshots/ holds the committed ones).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from axe_playwright_python.base import AXE_SCRIPT
from PIL import Image
from playwright.sync_api import Browser, Page

from badge_issuer.kit.clock import utc_now
from tests.harness import Harness
from tests.pages.browser import (
    DESKTOP,
    PHONE,
    PageErrors,
    chromium,
    example_site,
    serving,
)
from tests.pages.factories import earn_bronze, revoke
from tests.verification.factories import db, make_issuer, store_award

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = {"serious", "critical"}


@dataclass
class Site:
    origin: str
    harness: Harness
    valid: str
    revoked: str
    expired: str
    shots: Path

    def url(self, path: str) -> str:
        return self.origin + path


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("browser-site")
    prepared = example_site(folder, sqlite_template)
    port, settings, app, harness = prepared.port, prepared.settings, prepared.app, prepared.harness
    valid = earn_bronze(harness, "sato.hanako@example.jp")
    revoked = earn_bronze(harness, "suzuki.taro@example.jp")
    revoke(harness.client, revoked)
    now = utc_now()
    with db(app) as session:
        issuer = make_issuer(session, slug="otaru", now=now, settings=settings)
        expired = store_award(
            session,
            issuer=issuer,
            settings=settings,
            now=now,
            valid_from=now - timedelta(days=1130),
            valid_until=now - timedelta(days=35),
        ).uuid
    shots = Path(os.environ.get("BADGE_ISSUER_SCREENSHOTS") or folder / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with serving(app, port) as origin:
            yield Site(origin, harness, valid, revoked, expired, shots)
    finally:
        app.state.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="ja-JP")
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


def _open(page: Page, url: str) -> PageErrors:
    errors = PageErrors()
    errors.watch(page)
    response = page.goto(url, wait_until="load")
    assert response is not None
    assert response.ok, f"{url}: HTTP {response.status}"
    return errors


def _pages(site: Site) -> list[str]:
    return [
        "/",
        f"/credentials/{site.valid}",
        f"/credentials/{site.valid}?lang=en",
        f"/credentials/{site.revoked}",
        f"/credentials/{site.expired}?lang=en",
        "/achievements/dx-literacy-bronze",
        "/achievements/dx-case-silver?lang=en",
        "/issuers/default",
        "/verify",
    ]


class TestRendering:
    def test_every_page_loads_without_console_errors(self, site: Site, page: Page) -> None:
        for path in _pages(site):
            errors = _open(page, site.url(path))
            assert page.locator("h1").count() == 1, path
            assert errors.messages == [], path

    def test_the_stylesheet_applies_under_the_content_security_policy(
        self, site: Site, page: Page
    ) -> None:
        _open(page, site.url(f"/credentials/{site.valid}"))
        background = page.locator(".verdict").evaluate(
            "element => getComputedStyle(element).backgroundColor"
        )
        assert background == "rgb(230, 244, 234)"

    def test_nothing_overflows_a_phone_screen(self, site: Site, browser: Browser) -> None:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        try:
            for path in _pages(site):
                _open(phone, site.url(path))
                width = phone.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], (path, width)
        finally:
            context.close()

    def test_printing_hides_the_forms_and_keeps_the_verdict(self, site: Site, page: Page) -> None:
        _open(page, site.url(f"/credentials/{site.valid}"))
        page.emulate_media(media="print")
        assert not page.locator("form").is_visible()
        assert page.locator(".verdict").is_visible()
        assert page.locator("figure.qr svg").is_visible()


class TestQrCode:
    def test_the_qr_code_decodes_to_the_page_url(self, site: Site, page: Page) -> None:
        for path in (f"/credentials/{site.valid}", f"/credentials/{site.revoked}?lang=en"):
            _open(page, site.url(path))
            png = page.locator("figure.qr svg").screenshot()
            decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
            assert [code.text for code in decoded] == [site.url(path.partition("?")[0])]


def _axe(page: Page) -> dict[str, Any]:
    page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    return result


class TestAccessibility:
    def test_axe_finds_no_serious_violation(self, site: Site, page: Page) -> None:
        summary: dict[str, dict[str, Any]] = {}
        for path in [*_pages(site), f"/credentials/{site.expired}"]:
            _open(page, site.url(path))
            result = _axe(page)
            summary[path] = {
                "rules_passed": len(result["passes"]),
                "violations": [f"{v['id']} ({v['impact']})" for v in result["violations"]],
            }
            serious = [v for v in result["violations"] if v["impact"] in SERIOUS]
            assert serious == [], (path, serious)
        (site.shots / "axe-summary.json").write_text(
            json.dumps(
                {"axe": result["testEngine"]["version"], "tags": WCAG_TAGS, "pages": summary},
                indent=2,
            )
        )
        print("axe-core", result["testEngine"]["version"], json.dumps(summary, indent=1))


class TestVerdictInTheBrowser:
    def test_the_verdict_changes_after_a_revocation(self, site: Site, page: Page) -> None:
        fresh = earn_bronze(site.harness, "yamada.aoi@example.jp")
        _open(page, site.url(f"/credentials/{fresh}"))
        assert page.locator("#verdict-title").inner_text().strip().endswith("有効")
        revoke(site.harness.client, fresh)
        page.reload()
        assert "失効" in page.locator("#verdict-title").inner_text()

    def test_expired_and_revoked_read_as_such(self, site: Site, page: Page) -> None:
        _open(page, site.url(f"/credentials/{site.expired}?lang=en"))
        assert "Expired on" in page.locator("#verdict-title").inner_text()
        _open(page, site.url(f"/credentials/{site.revoked}?lang=en"))
        assert "Revoked on" in page.locator("#verdict-title").inner_text()

    def test_the_recipient_check_form_works_without_javascript(
        self, site: Site, browser: Browser
    ) -> None:
        context = browser.new_context(java_script_enabled=False, locale="ja-JP")
        page = context.new_page()
        try:
            _open(page, site.url(f"/credentials/{site.valid}"))
            page.fill("#email", "sato.hanako@example.jp")
            page.click("form button")
            assert "はい：" in page.locator(".answer").inner_text()
            assert "sato.hanako@example.jp" not in page.content()
        finally:
            context.close()

    def test_uploading_a_baked_badge_on_the_verify_page(
        self, site: Site, page: Page, tmp_path: Path
    ) -> None:
        svg = site.harness.client.get(f"/credentials/{site.valid}/image.svg").content
        badge = tmp_path / "badge.svg"
        badge.write_bytes(svg)
        _open(page, site.url("/verify?lang=en"))
        page.set_input_files("#badge-file", str(badge))
        page.click("form button")
        assert page.locator("#verdict-title").inner_text().strip().endswith("Valid")


class TestScreenshots:
    @pytest.mark.parametrize("lang", ["ja", "en"])
    def test_phone_and_desktop_screenshots(self, site: Site, browser: Browser, lang: str) -> None:
        badges = {"valid": site.valid, "revoked": site.revoked, "expired": site.expired}
        for width_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context = browser.new_context(
                viewport=viewport, is_mobile=width_name == "phone", device_scale_factor=1
            )
            page = context.new_page()
            try:
                for state, uuid in badges.items():
                    _open(page, site.url(f"/credentials/{uuid}?lang={lang}"))
                    target = site.shots / f"badge-{state}-{lang}-{width_name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    with Image.open(target) as shot:
                        assert shot.width == viewport["width"]
                        assert shot.height >= viewport["height"]
            finally:
                context.close()
