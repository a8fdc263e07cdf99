"""Fixtures for continuity: a service holding the example's credentials, and empty databases."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.harness import Harness

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_COMPLETIONS = REPO_ROOT / "examples" / "completions.jsonl"


def replay_examples(harness: Harness) -> list[str]:
    """Post the example's completions; return the credential URLs they earned."""
    urls = []
    for line in EXAMPLE_COMPLETIONS.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        response = harness.post_completion(event["provider"], event["body"])
        assert response.status_code == 201, response.text
        urls += [award["credential_url"] for award in response.json()["awards"]]
    assert urls, "the example earns credentials"
    return urls


def _admin(server_url: str, statement: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Make empty databases (no tables at all) of a backend: `new_database("postgresql")`."""
    created: list[tuple[str, str]] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'empty-{uuid.uuid4().hex[:8]}.db'}"
        server_url: str = request.getfixturevalue("postgres_server_url")
        name = f"bi_empty_{uuid.uuid4().hex[:12]}"
        _admin(server_url, f'CREATE DATABASE "{name}"')
        created.append((server_url, name))
        return make_url(server_url).set(database=name).render_as_string(False)

    yield make
    for server_url, name in created:
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
