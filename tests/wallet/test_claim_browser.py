"""The claim page in a real browser (headless Debian Chromium via Playwright, as the badge
pages): no console errors, the QR code decodes to the interaction URL, axe-core finds no serious
violation, nothing overflows a phone, and phone screenshots (BADGE_ISSUER_SCREENSHOTS=<dir>
keeps them; docs/screenshots/ holds the committed ones)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from axe_playwright_python.base import AXE_SCRIPT
from PIL import Image
from playwright.sync_api import Browser

from tests.pages.browser import PHONE, PageErrors, chromium, example_site, serving
from tests.wallet.factories import claim_links, earn_bronze

SERIOUS = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class ClaimSite:
    origin: str
    links: dict[str, str]
    shots: Path


@pytest.fixture(scope="module")
def claim_site(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ClaimSite]:
    folder = tmp_path_factory.mktemp("claim-site")
    prepared = example_site(folder, sqlite_template)
    port, app, harness = prepared.port, prepared.app, prepared.harness
    links = claim_links(harness, earn_bronze(harness))
    shots = Path(os.environ.get("BADGE_ISSUER_SCREENSHOTS") or folder / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with serving(app, port) as origin:
            yield ClaimSite(origin, links, shots)
    finally:
        app.state.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


class TestClaimPageInChromium:
    @pytest.mark.parametrize("lang", ["ja", "en"])
    def test_phone_page_loads_cleanly_and_is_screenshot(
        self, claim_site: ClaimSite, browser: Browser, lang: str
    ) -> None:
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale=f"{lang}-JP"
        )
        page = context.new_page()
        try:
            errors = PageErrors()
            errors.watch(page)
            response = page.goto(f"{claim_site.links['claim_url']}?lang={lang}", wait_until="load")
            assert response is not None
            assert response.ok
            assert errors.messages == []
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            assert page.locator("a[href^='https://lcw.app/request?']").count() == 1
            assert page.locator("a[href^='openid-credential-offer://']").count() == 1
            page.screenshot(
                path=str(claim_site.shots / f"claim-page-phone-{lang}.png"), full_page=True
            )
        finally:
            context.close()

    def test_qr_code_decodes_to_the_interaction_url(
        self, claim_site: ClaimSite, browser: Browser
    ) -> None:
        context = browser.new_context(viewport=PHONE, is_mobile=True)
        page = context.new_page()
        try:
            page.goto(claim_site.links["claim_url"], wait_until="load")
            png = page.locator("figure.qr svg").screenshot()
            (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
            assert decoded.text == claim_site.links["interaction_url"]
        finally:
            context.close()

    def test_axe_finds_no_serious_violation(self, claim_site: ClaimSite, browser: Browser) -> None:
        context = browser.new_context(viewport=PHONE, is_mobile=True)
        page = context.new_page()
        try:
            page.goto(claim_site.links["claim_url"], wait_until="load")
            page.evaluate(AXE_SCRIPT)
            options = {
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            }
            result = page.evaluate(f"axe.run(document, {json.dumps(options)})")
            serious = [v for v in result["violations"] if v.get("impact") in SERIOUS]
            assert serious == [], json.dumps(serious, indent=1)[:2000]
        finally:
            context.close()
