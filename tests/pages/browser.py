"""A live server and headless Chromium (Debian's package, never a downloaded browser)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.main import create_app
from tests.conftest import EXAMPLE_PROVIDERS
from tests.harness import Harness
from tests.shared_data import example_path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    """Serve the app on 127.0.0.1:port in a thread; yield its origin."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium from Debian's `chromium` package, installed by the test command."""
    executable = shutil.which("chromium") or CHROMIUM
    if not Path(executable).exists():
        raise RuntimeError(
            "chromium is missing: `make test` installs it (scripts/system-packages.sh chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageErrors:
    """Everything that went wrong while a page loaded: console errors, script errors, requests."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.messages.append(f"console {message.type}: {message.text}")

    def _failed(self, request: Request) -> None:
        self.messages.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response: object) -> None:
        status = getattr(response, "status", 200)
        url = getattr(response, "url", "")
        # Pages are fetched on purpose with 4xx in the error tests; resources never should be.
        if status >= 400 and "/credentials/00000000" not in url:
            self.messages.append(f"HTTP {status}: {url}")


@dataclass
class ExampleSite:
    """The service over a copy of the migrated SQLite template, with the example providers and
    skill map loaded, configured for a free loopback port (serve it with `serving`)."""

    port: int
    settings: Settings
    app: FastAPI
    harness: Harness


def example_site(folder: Path, sqlite_template: Path, **settings: Any) -> ExampleSite:
    """Prepare the site the browser tests drive; extra `settings` override the defaults."""
    shutil.copyfile(sqlite_template, folder / "site.db")
    port = free_port()
    configured = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{folder / 'site.db'}",
        public_url=f"http://127.0.0.1:{port}",
        key_encryption_key_file=folder / "keys" / "master.key",
        log_json=True,
        **settings,
    )
    bootstrap.prepare(configured)
    app = create_app(configured)
    harness = Harness.start(TestClient(app))
    for provider_id, name in EXAMPLE_PROVIDERS.items():
        harness.register_provider(provider_id, name)
    harness.load_skill_map(example_path("skill-map.yaml").read_bytes())
    return ExampleSite(port, configured, app, harness)
