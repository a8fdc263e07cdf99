"""Start-up and CLI errors: one line naming the problem, exit 2 (usage) or 1 (runtime).

Each case of the attack run is run as the real command in a subprocess, as an operator would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from badge_issuer.config import Settings

USAGE, RUNTIME = 2, 1


def run(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "badge_issuer", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """Assert the exit code and a single `badge-issuer:` line naming the problem."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("badge-issuer:")]
    assert len(lines) == 1, result.stderr
    # Nothing else on stderr except (JSON) log lines.
    others = [line for line in result.stderr.splitlines() if line and line not in lines]
    assert all(line.startswith("{") for line in others), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert result.returncode == code, (result.returncode, result.stderr)
    return lines[0]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "BADGE_ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(tmp_path / "keys" / "master.key"),
        "BADGE_ISSUER_LOG_LEVEL": "WARNING",
        "HOME": str(tmp_path),
    }


def write_map(tmp_path: Path, text: str) -> str:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


class TestStartUp:
    def test_a_missing_skill_map_file(self, env: dict[str, str], tmp_path: Path) -> None:
        env["BADGE_ISSUER_SKILL_MAP"] = str(tmp_path / "missing.yaml")
        result = run(env, "serve", "--port", "1")
        one_line_error(result, RUNTIME, "BADGE_ISSUER_SKILL_MAP", "does not exist")

    def test_dev_zero_as_skill_map_does_not_hang(self, env: dict[str, str]) -> None:
        env["BADGE_ISSUER_SKILL_MAP"] = "/dev/zero"
        result = run(env, "serve", "--port", "1", timeout=60)
        one_line_error(result, RUNTIME, "/dev/zero", "not a regular file")

    def test_a_directory_as_skill_map(self, env: dict[str, str], tmp_path: Path) -> None:
        env["BADGE_ISSUER_SKILL_MAP"] = str(tmp_path)
        one_line_error(run(env, "serve", "--port", "1"), RUNTIME, "is a directory")

    def test_an_impossible_date_in_the_map(self, env: dict[str, str], tmp_path: Path) -> None:
        env["BADGE_ISSUER_SKILL_MAP"] = write_map(tmp_path, "version: 2026-02-30\n")
        result = run(env, "serve", "--port", "1")
        one_line_error(result, RUNTIME, "day is out of range")

    def test_a_control_character_in_the_map_names_its_path(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        text = 'version: "1"\nskills:\n  - id: dx\n    name: "DX\\0入門"\n'
        env["BADGE_ISSUER_SKILL_MAP"] = write_map(tmp_path, text)
        result = run(env, "serve", "--port", "1")
        one_line_error(result, RUNTIME, "skills[0].name", "U+0000")

    def test_an_empty_sqlite_path(self, env: dict[str, str]) -> None:
        env["BADGE_ISSUER_DATABASE_URL"] = "sqlite:///"
        one_line_error(run(env, "serve"), USAGE, "DATABASE_URL", "names no SQLite file")

    def test_a_port_out_of_range(self, env: dict[str, str]) -> None:
        one_line_error(run(env, "serve", "--port", "99999"), USAGE, "--port", "65535")

    def test_production_with_a_short_secret_does_not_print_it(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        secret = "short-secret-Zq81"
        env |= {"BADGE_ISSUER_ENV": "production", "BADGE_ISSUER_LEARNER_HASH_SECRET": secret}
        line = one_line_error(run(env, "serve"), USAGE, "LEARNER_HASH_SECRET")
        assert secret not in line


class TestCommands:
    def test_downgrade_to_an_unknown_revision(self, env: dict[str, str]) -> None:
        one_line_error(run(env, "db", "downgrade", "zzz"), USAGE, "zzz")

    def test_revoke_an_unknown_token(self, env: dict[str, str]) -> None:
        one_line_error(run(env, "token", "revoke", "999"), RUNTIME, "999")

    def test_a_read_only_database(self, env: dict[str, str], tmp_path: Path) -> None:
        assert run(env, "db", "upgrade").returncode == 0
        # Opened read-only by URI: as root, file modes would not stop the writes.
        env["BADGE_ISSUER_DATABASE_URL"] = f"sqlite:///file:{tmp_path / 'cli.db'}?mode=ro&uri=true"
        result = run(env, "token", "create", "--scope", "issuers")
        one_line_error(result, RUNTIME, "readonly database")

    def test_an_unknown_option(self, env: dict[str, str]) -> None:
        one_line_error(run(env, "token", "list", "--bogus"), USAGE, "--bogus")


def test_a_token_name_over_100_characters(database_url: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    env = {
        "BADGE_ISSUER_DATABASE_URL": settings.database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(tmp_path / "master.key"),
    }
    result = run(env, "token", "create", "--scope", "issuers", "--name", "n" * 101)
    if result.returncode == 0:
        assert settings.database_url.startswith("sqlite"), "only SQLite ignores the length"
        return
    one_line_error(result, RUNTIME, "too long")
