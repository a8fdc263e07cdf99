"""badge-issuer archive export: the service switched off, its badges verify from static files."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.continuity.archive import export_archive
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app
from badge_issuer.verification.verify import verify_credential
from tests.conftest import EXAMPLE_PROVIDERS
from tests.continuity.conftest import REPO_ROOT, replay_examples
from tests.continuity.independent import IndependentResolver
from tests.harness import Harness


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    settings: Settings
    harness: Harness
    urls: list[str]
    answers: dict[str, bytes]

    @property
    def origin(self) -> str:
        return self.settings.public_origin


def _revoke(harness: Harness, url: str) -> None:
    answer = harness.client.post(
        f"/v1/admin/credentials/{url.rsplit('/', 1)[1]}/revoke",
        json={"reason": "test"},
        headers=harness.admin,
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture
def service(settings: Settings) -> Iterator[Service]:
    """The example's credentials, issued under http://localhost:<a free port>, one revoked."""
    port = _free_port()
    own = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=settings.database_url,
        public_url=f"http://localhost:{port}",
        key_encryption_key_file=settings.key_encryption_key_file,
    )
    app = create_app(own)
    try:
        with TestClient(app, base_url=own.public_origin) as client:
            bootstrap.prepare(own)
            harness = Harness.start(client)
            for provider_id, name in EXAMPLE_PROVIDERS.items():
                harness.register_provider(provider_id, name)
            harness.load_skill_map((REPO_ROOT / "examples" / "skill-map.yaml").read_bytes())
            urls = replay_examples(harness)
            _revoke(harness, urls[0])
            answers = {}
            for url in urls:
                path = url.removeprefix(own.public_origin)
                answers[path] = client.get(path).content
                credential = client.get(path).json()
                status = credential["credentialStatus"]["statusListCredential"]
                answers[status.removeprefix(own.public_origin)] = client.get(status).content
            answers["/issuers/default/did.json"] = client.get("/issuers/default/did.json").content
            yield Service(own, harness, urls, answers)
    finally:
        app.state.engine.dispose()


@pytest.fixture
def static_server(service: Service, tmp_path: Path) -> Iterator[Path]:
    """`python -m http.server` serving the archive folder at the service's own port."""
    directory = tmp_path / "archive"
    export_archive(service.settings, directory)
    port = int(service.origin.rsplit(":", 1)[1])
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield directory
    finally:
        server.terminate()
        server.wait(timeout=10)


def _from_files(port: int) -> IndependentResolver:
    def fetch(host: str, path: str) -> Any:
        assert host == f"localhost:{port}", host
        answer = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.json()

    return IndependentResolver(fetch)


class TestStaticArchive:
    def test_every_url_answers_the_same_bytes_from_the_files(
        self, service: Service, static_server: Path
    ) -> None:
        port = int(service.origin.rsplit(":", 1)[1])
        for path, body in service.answers.items():
            answer = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5)
            assert answer.status_code == 200, path
            assert answer.content == body, path

    def test_credentials_verify_from_the_files_alone(
        self, service: Service, static_server: Path
    ) -> None:
        port = int(service.origin.rsplit(":", 1)[1])
        for number, url in enumerate(service.urls):
            credential = httpx.get(url.replace("localhost", "127.0.0.1"), timeout=5).json()
            resolver = _from_files(port)
            report = verify_credential(credential, now=utc_now(), resolver=resolver)
            failed = [check.check for check in report.checks if check.status == "failed"]
            if number == 0:
                assert failed == ["revocation"], report.checks
            else:
                assert report.verified, report.checks
            assert any(url.endswith("/did.json") for url in resolver.fetched)
            assert any("/status-lists/" in url for url in resolver.fetched)

    def test_the_archive_describes_how_to_serve_it(
        self, service: Service, static_server: Path
    ) -> None:
        for name in ("README.md", "nginx.conf", ".htaccess"):
            assert service.origin in (static_server / name).read_text(encoding="utf-8")
        assert (static_server / "issuers" / "default" / "index.json").is_file()
        assert (static_server / "achievements" / "index.json").is_file()

    def test_a_second_export_writes_only_what_changed(
        self, service: Service, tmp_path: Path
    ) -> None:
        directory = tmp_path / "incremental"
        first = export_archive(service.settings, directory)
        assert first.written == len(first.files)
        assert first.unchanged == 0
        again = export_archive(service.settings, directory)
        assert again.written == 0
        assert again.removed == 0
        _revoke(service.harness, service.urls[1])
        after = export_archive(service.settings, directory)
        assert after.written >= 1
        assert after.written < len(after.files) / 4, "only the revocation's list changed"
        (directory / "credentials" / "stale").write_text("{}")
        manifest = directory / ".archive-manifest.json"
        manifest.write_text(manifest.read_text().replace("[", '["credentials/stale",', 1))
        cleaned = export_archive(service.settings, directory)
        assert cleaned.removed == 1
        assert not (directory / "credentials" / "stale").exists()
