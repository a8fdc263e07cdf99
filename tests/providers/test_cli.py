"""`badge-issuer provider …` and `badge-issuer import completions` as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from badge_issuer.cli import app as cli_app
from badge_issuer.config import Settings, get_settings
from badge_issuer.db import session_scope
from badge_issuer.intake import import_state
from badge_issuer.intake.importer import ImportFormat, ImportTally
from badge_issuer.providers.models import Completion, Provider
from tests.providers.factories import Sender, completion_body, create_provider


def _cli(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        "BADGE_ISSUER_DATABASE_URL": settings.database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(settings.key_encryption_key_file),
        "BADGE_ISSUER_LOG_JSON": "false",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "badge_issuer", *args],
        capture_output=True,
        text=True,
        env=env,
        check=check,
        timeout=60,
    )


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """Run `badge-issuer` in this process (fast); settings come from the environment."""
    monkeypatch.setenv("BADGE_ISSUER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv(
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE", str(settings.key_encryption_key_file)
    )
    monkeypatch.setenv("BADGE_ISSUER_LOG_JSON", "false")
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str, check: bool = True) -> CliResult:
        result = runner.invoke(cli_app, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        if check and result.exit_code != 0:
            raise AssertionError(f"exit {result.exit_code}: {result.stderr}")
        return CliResult(result.exit_code, result.stdout, result.stderr)

    yield run
    get_settings.cache_clear()


def _stored_courses(app: FastAPI) -> list[str]:
    for session in session_scope(app.state.session_factory):
        return sorted(session.scalars(select(Completion.course_id)))
    raise AssertionError("unreachable")


class TestProviderCli:
    def test_create_prints_the_secret_alone_on_the_last_stdout_line(
        self, settings: Settings, client: TestClient
    ) -> None:
        result = _cli(settings, "provider", "create", "--id", "manabi-portal", "--name", "Manabi")
        secret = result.stdout.strip().splitlines()[-1]
        assert secret.startswith("whsec_")
        assert secret not in result.stderr
        assert Sender(client=client, secret=secret).post(completion_body()).status_code == 201

    def test_create_twice_fails_with_a_message(self, cli: Cli, app: FastAPI) -> None:
        create_provider(app)
        result = cli("provider", "create", "--id", "manabi-portal", "--name", "x", check=False)
        assert result.returncode == 1
        assert "already exists" in result.stderr
        assert result.stdout == ""

    def test_rotate_secret_prints_a_new_secret_and_keeps_the_old_one_a_while(
        self, cli: Cli, app: FastAPI, client: TestClient
    ) -> None:
        old = create_provider(app)
        result = cli("provider", "rotate-secret", "manabi-portal")
        new = result.stdout.strip().splitlines()[-1]
        assert new.startswith("whsec_")
        assert new != old
        for secret, course in ((old, "A"), (new, "B")):
            response = Sender(client=client, secret=secret).post(completion_body(course_id=course))
            assert response.status_code == 201

    def test_suspend_makes_webhooks_401(self, cli: Cli, app: FastAPI, client: TestClient) -> None:
        secret = create_provider(app)
        cli("provider", "suspend", "manabi-portal")
        assert Sender(client=client, secret=secret).post(completion_body()).status_code == 401
        for session in session_scope(app.state.session_factory):
            assert session.get(Provider, "manabi-portal").status == "suspended"  # type: ignore[union-attr]


class TestImportCli:
    def _file(self, tmp_path: Path, count: int) -> Path:
        path = tmp_path / "completions.jsonl"
        lines = [json.dumps(completion_body(course_id=f"C{n}")) for n in range(count)]
        path.write_text("\n".join(lines) + "\nnot json\n", encoding="utf-8")
        return path

    def test_prints_the_summary_with_rejected_lines(
        self, cli: Cli, app: FastAPI, tmp_path: Path
    ) -> None:
        create_provider(app)
        path = self._file(tmp_path, 3)
        result = cli("import", "completions", str(path), "--provider", "manabi-portal", check=False)
        assert result.returncode == 1, result.stderr
        summary = result.stdout.splitlines()
        assert summary[:3] == ["accepted\t3", "duplicates\t0", "rejected\t1"]
        assert summary[3].startswith("line 4\t1 invalid field(s): /: Invalid JSON")
        assert len(summary) == 4
        assert _stored_courses(app) == ["C0", "C1", "C2"]
        assert not import_state.state_path(path).exists()

    def test_csv_by_extension(self, cli: Cli, app: FastAPI, tmp_path: Path) -> None:
        create_provider(app)
        path = tmp_path / "rows.csv"
        path.write_text(
            "email,course_id,completed_at\na@example.jp,CSV1,2026-10-01T10:00:00Z\n",
            encoding="utf-8",
        )
        result = cli("import", "completions", str(path), "--provider", "manabi-portal")
        assert result.stdout.splitlines()[0] == "accepted\t1"
        assert _stored_courses(app) == ["CSV1"]

    def test_resumes_after_the_last_committed_line(
        self, cli: Cli, app: FastAPI, tmp_path: Path
    ) -> None:
        create_provider(app)
        path = self._file(tmp_path, 5)
        saved = import_state.ImportState(
            provider_id="manabi-portal",
            fmt=ImportFormat.JSONL,
            fingerprint=import_state.fingerprint(path),
            committed_line=3,
            tally=ImportTally(accepted=3),
        )
        saved.save(import_state.state_path(path))
        result = cli(
            "import",
            "completions",
            str(path),
            "--provider",
            "manabi-portal",
            "--batch-size",
            "1",
            check=False,
        )
        assert "resuming after line 3" in result.stderr
        assert result.stdout.splitlines()[:3] == ["accepted\t5", "duplicates\t0", "rejected\t1"]
        # Lines 1-3 were taken as already imported: only 4 and 5 were read this time.
        assert _stored_courses(app) == ["C3", "C4"]

    def test_csv_resume_keeps_the_header(self, cli: Cli, app: FastAPI, tmp_path: Path) -> None:
        create_provider(app)
        path = tmp_path / "rows.csv"
        rows = [f"a@example.jp,R{n},2026-10-01T10:00:00Z" for n in range(4)]
        path.write_text("email,course_id,completed_at\n" + "\n".join(rows) + "\n", "utf-8")
        saved = import_state.ImportState(
            "manabi-portal", ImportFormat.CSV, import_state.fingerprint(path), 3, ImportTally()
        )
        saved.save(import_state.state_path(path))
        cli("import", "completions", str(path), "--provider", "manabi-portal")
        assert _stored_courses(app) == ["R2", "R3"]

    def test_state_of_another_file_is_ignored(self, cli: Cli, app: FastAPI, tmp_path: Path) -> None:
        create_provider(app)
        path = self._file(tmp_path, 2)
        stale = import_state.ImportState(
            "manabi-portal", ImportFormat.JSONL, "0" * 64, 2, ImportTally(accepted=2)
        )
        stale.save(import_state.state_path(path))
        result = cli("import", "completions", str(path), "--provider", "manabi-portal", check=False)
        assert result.stdout.splitlines()[0] == "accepted\t2"
        assert _stored_courses(app) == ["C0", "C1"]

    def test_unknown_provider_fails_before_reading(
        self, cli: Cli, app: FastAPI, tmp_path: Path
    ) -> None:
        path = self._file(tmp_path, 1)
        result = cli("import", "completions", str(path), "--provider", "nobody", check=False)
        assert result.returncode == 1
        assert "nobody" in result.stderr

    @pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage\n"])
    def test_file_that_is_not_utf8_fails_cleanly(
        self, cli: Cli, app: FastAPI, tmp_path: Path, content: bytes
    ) -> None:
        create_provider(app)
        path = tmp_path / "bad.jsonl"
        path.write_bytes(content)
        result = cli("import", "completions", str(path), "--provider", "manabi-portal", check=False)
        assert result.returncode == 1
        assert "not UTF-8" in result.stderr
        assert "Traceback" not in result.stderr
