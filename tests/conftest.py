"""Shared fixtures: a fresh migrated database per test on SQLite and PostgreSQL, app and client.

Every test that asks for `database_url` runs twice, once per backend. The PostgreSQL server is
the one the test command started (BADGE_ISSUER_TEST_POSTGRES_URL) or, when run bare, one this
session starts itself. Migrations run once per backend into a template that each test copies,
so tests are isolated even when the code under test commits or runs several processes.
`BADGE_ISSUER_TEST_BACKENDS=sqlite` limits a quick local run to one backend.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from badge_issuer import bootstrap, migrate
from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.main import create_app

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import throwaway_postgres  # noqa: E402

from tests.admin.factories import make_token  # noqa: E402
from tests.harness import Harness  # noqa: E402
from tests.keys.admin_api import AdminApi  # noqa: E402
from tests.shared_data import example_path  # noqa: E402

hypothesis_settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile("ci")

BACKENDS = [
    name
    for name in os.environ.get("BADGE_ISSUER_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if name
]


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The admin URL of a PostgreSQL server for this test run."""
    given = os.environ.get("BADGE_ISSUER_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    server = throwaway_postgres.start()
    try:
        yield server.url
    finally:
        throwaway_postgres.stop(server)


def _pg_admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url: str) -> Iterator[str]:
    """A database migrated to head, copied by each PostgreSQL test."""
    name = f"bi_template_{uuid.uuid4().hex[:10]}"
    _pg_admin(postgres_server_url, f'CREATE DATABASE "{name}"')
    migrate.upgrade(make_url(postgres_server_url).set(database=name).render_as_string(False))
    yield name
    _pg_admin(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture
def database_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the migrations' head, for this test only."""
    if db_backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server_url: str = request.getfixturevalue("postgres_server_url")
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"bi_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield make_url(server_url).set(database=name).render_as_string(False)
    _pg_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session on the test database (one per backend); rolled back, closed and disposed after."""
    engine = create_db_engine(database_url)
    db_session = make_session_factory(engine)()
    try:
        yield db_session
    finally:
        db_session.rollback()
        db_session.close()
        engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        public_url="http://localhost:8000",
        key_encryption_key_file=tmp_path / "keys" / "master.key",
        log_json=True,
        mail_dir=tmp_path / "mail",  # development mail (.eml files) never lands in the repository
        # Rate limits are tested on their own (tests/kit): here they would only interfere.
        rate_limit_public="off",
        rate_limit_webhook="off",
        rate_limit_admin="off",
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


EXAMPLE_PROVIDERS = {
    "manabi-portal": "まなびポータル",
    "kitami-it-academy": "北見ITアカデミー",
    "hokudai-mooc": "北大MOOC",
}


@pytest.fixture
def harness(settings: Settings, client: TestClient) -> Harness:
    """The service as `serve` prepares it, with the example providers and skill map loaded."""
    bootstrap.prepare(settings)
    prepared = Harness.start(client)
    for provider_id, name in EXAMPLE_PROVIDERS.items():
        prepared.register_provider(provider_id, name)
    prepared.load_skill_map(example_path("skill-map.yaml").read_bytes())
    return prepared


@pytest.fixture
def api(app: FastAPI, client: TestClient) -> AdminApi:
    """An admin client for issuers and their keys (token `key-admin`, scopes issuers + keys)."""
    return AdminApi(client, make_token(app, Scope.ISSUERS, Scope.KEYS, name="key-admin"))
