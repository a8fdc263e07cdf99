"""The claim page in a real browser (headless Debian Chromium via Playwright, as the badge
pages): no console errors, the QR code decodes to the interaction URL, axe-core finds no serious
violation, nothing overflows a phone, and phone screenshots (BADGE_ISSUER_SCREENSHOTS=<dir>
keeps them; docs/screenshots/ holds the committed ones)."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from axe_playwright_python.base import AXE_SCRIPT
from fastapi.testclient import TestClient
from PIL import Image
from playwright.sync_api import Browser

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.main import create_app
from tests.conftest import EXAMPLE_PROVIDERS
from tests.harness import Harness
from tests.pages.browser import PHONE, PageErrors, chromium, free_port, serving
from tests.shared_data import example_path
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
    shutil.copyfile(sqlite_template, folder / "site.db")
    port = free_port()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{folder / 'site.db'}",
        public_url=f"http://127.0.0.1:{port}",
        key_encryption_key_file=folder / "keys" / "master.key",
        log_json=True,
    )
    bootstrap.prepare(settings)
    app = create_app(settings)
    harness = Harness.start(TestClient(app))
    for provider_id, name in EXAMPLE_PROVIDERS.items():
        harness.register_provider(provider_id, name)
    harness.load_skill_map(example_path("skill-map.yaml").read_bytes())
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
