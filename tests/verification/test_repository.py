"""The verifier's reads run on the driver's cursor; they answer as SQLAlchemy would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError

from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.status.models import StatusList
from badge_issuer.verification import repository
from tests.verification.factories import db, make_issuer, store_award, stored_document

pytestmark = pytest.mark.usefixtures("client")  # the app's lifespan: a migrated database


@pytest.fixture
def stored(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """Two credentials of one issuer and list, the first revoked; the list never signed."""
    with db(app) as session:
        issuer = make_issuer(session, slug="nemuro", now=utc_now(), settings=settings)
        awards = [
            store_award(session, issuer=issuer, settings=settings, now=utc_now()) for _ in range(2)
        ]
        session.flush()
        session.execute(
            update(Award).where(Award.uuid == awards[0].uuid).values(revoked_at=utc_now())
        )
        session.execute(update(StatusList).values(signed_document=None))
        document = stored_document(awards[1])
        proof = document["proof"][0] if isinstance(document["proof"], list) else document["proof"]
        key_id = proof["verificationMethod"].rsplit("#", 1)[1]
        return {
            "document": document,
            "key_id": key_id,
            "public_id": document["credentialStatus"]["statusListCredential"].rsplit("/", 1)[1],
            "indexes": [award.status_index for award in awards],
        }


@contextmanager
def _listening(app: FastAPI) -> Iterator[list[str]]:
    """Record every statement the app's engine runs while inside."""
    seen: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = app.state.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _reads(session: repository.Reader, stored: dict[str, Any]) -> list[Any]:
    row = repository.status_list(session, public_id=stored["public_id"])
    assert row is not None
    return [
        repository.issuer_and_key(session, slug="nemuro", key_id=stored["key_id"]),
        repository.issuer_and_key(session, slug="nemuro", key_id="no-such-key"),
        repository.issuer_and_key(session, slug="no-such-issuer", key_id=None),
        row,
        repository.status_list(session, public_id="no-such-list"),
        sorted(repository.revoked_indexes(session, list_id=row.id)),
        repository.revoked_among(session, list_id=row.id, indexes=stored["indexes"]),
    ]


class TestDriverReads:
    def test_answers_equal_those_through_sqlalchemy(
        self, app: FastAPI, stored: dict[str, Any]
    ) -> None:
        with db(app) as session:
            on_cursor = _reads(session, stored)
        with _listening(app) as seen, db(app) as session:
            through_sqlalchemy = _reads(session, stored)
        assert seen  # a listener sends the reads through SQLAlchemy
        assert on_cursor == through_sqlalchemy
        assert on_cursor[0].key_state == "active"
        assert on_cursor[1].public_key_multibase is None
        assert on_cursor[2] is None
        assert on_cursor[4] is None
        assert on_cursor[5] == on_cursor[6] == stored["indexes"][:1]

    def test_a_read_only_connection_answers_as_a_session(
        self, app: FastAPI, stored: dict[str, Any]
    ) -> None:
        # POST /verify reads through a Core connection of the read-only engine (no Session).
        with db(app) as session:
            through_session = _reads(session, stored)
        with app.state.read_session_factory.kw["bind"].connect() as connection:
            through_connection = _reads(connection, stored)
            assert connection.in_transaction()  # the reads share one transaction
        assert through_connection == through_session

    def test_verifications_give_their_connections_back(
        self, app: FastAPI, client: TestClient, stored: dict[str, Any]
    ) -> None:
        for _ in range(3):
            assert client.post("/verify", json=stored["document"]).json()["verified"] is True
        assert app.state.engine.pool.checkedout() == 0

    def test_a_statement_listener_sees_the_reads_of_a_verification(
        self, app: FastAPI, client: TestClient, stored: dict[str, Any]
    ) -> None:
        with _listening(app) as seen:
            answer = client.post("/verify", json=stored["document"])
        assert answer.status_code == 200
        assert answer.json()["verified"] is True
        statements = " ".join(seen)
        assert "LEFT OUTER JOIN signing_key" in statements
        assert "FROM status_list" in statements

    def test_a_value_the_database_refuses_is_a_client_error(
        self, app: FastAPI, client: TestClient, stored: dict[str, Any]
    ) -> None:
        # PostgreSQL refuses a NUL character in text it compares; SQLite finds no such row.
        refused: Callable[[], object] = lambda: _status_list(app, "a\x00b")  # noqa: E731
        if app.state.engine.dialect.name == "postgresql":
            with pytest.raises(DataError):
                refused()
        else:
            assert refused() is None
        document = stored["document"]
        status = dict(document["credentialStatus"])
        status["statusListCredential"] = status["statusListCredential"] + "\x00"
        answer = client.post("/verify", json={**document, "credentialStatus": status})
        assert answer.status_code in (200, 422), answer.text


def _status_list(app: FastAPI, public_id: str) -> object:
    with db(app) as session:
        return repository.status_list(session, public_id=public_id)


class TestReading:
    """What POST /verify reads through: the read-only engine's pooled driver connection."""

    def test_reads_on_the_driver_connection_answer_as_a_session(
        self, app: FastAPI, stored: dict[str, Any]
    ) -> None:
        with db(app) as session:
            through_session = _reads(session, stored)
        engine = app.state.read_session_factory.kw["bind"]
        with repository.reading(engine) as reader:
            assert isinstance(reader, repository.DriverConnection)
            assert _reads(reader, stored) == through_session
            if engine.dialect.name == "sqlite":  # the reads share one (deferred) transaction
                assert reader.raw.dbapi_connection.in_transaction  # type: ignore[union-attr]
        assert engine.pool.checkedout() == 0

    def test_the_transaction_ends_when_the_connection_goes_back(
        self, app: FastAPI, stored: dict[str, Any]
    ) -> None:
        engine = app.state.read_session_factory.kw["bind"]
        with repository.reading(engine) as reader:
            assert isinstance(reader, repository.DriverConnection)
            repository.status_list(reader, public_id=stored["public_id"])
            raw = reader.raw.dbapi_connection
        assert raw is not None
        if engine.dialect.name == "sqlite":
            assert not raw.in_transaction
        else:
            assert raw.info.transaction_status == 0  # IDLE

    def test_a_statement_listener_gets_a_connection(self, app: FastAPI) -> None:
        engine = app.state.read_session_factory.kw["bind"]
        with _listening(app), repository.reading(engine) as reader:
            assert isinstance(reader, Connection)

    def test_an_engine_that_may_write_gets_a_connection(self, app: FastAPI) -> None:
        with repository.reading(app.state.engine) as reader:
            assert isinstance(reader, Connection)

    def test_a_refused_value_on_the_driver_connection_is_raised_as_sqlalchemy_would(
        self, app: FastAPI
    ) -> None:
        engine = app.state.read_session_factory.kw["bind"]
        with repository.reading(engine) as reader:
            assert isinstance(reader, repository.DriverConnection)
            if engine.dialect.name == "postgresql":
                with pytest.raises(DataError):
                    repository.status_list(reader, public_id="a\x00b")
            else:
                assert repository.status_list(reader, public_id="a\x00b") is None
        assert engine.pool.checkedout() == 0
