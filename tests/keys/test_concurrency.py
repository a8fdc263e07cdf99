"""Concurrent activations and first starts leave exactly one active key per issuer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer import bootstrap
from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.errors import ConcurrentActivation
from badge_issuer.keys.models import KeyState, SigningKey
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app
from tests.admin.factories import bearer, make_token
from tests.keys.admin_api import AdminApi

SLUG = "hakodate"


def _active_keys(settings: Settings) -> list[str]:
    engine = create_db_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            query = select(SigningKey.key_id).where(SigningKey.state == KeyState.ACTIVE)
            return list(session.scalars(query).all())
    finally:
        engine.dispose()


def _in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Run `target` in a thread; the list receives its result or the exception it raised."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as error:  # handed to the test to inspect
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


class TestConcurrentActivation:
    @pytest.fixture
    def staged(self, app: FastAPI, client: TestClient) -> tuple[str, str, str]:
        api = AdminApi(client, make_token(app, Scope.KEYS, Scope.ISSUERS))
        api.create_issuer(SLUG)
        current = api.create_key(SLUG)
        api.activate(SLUG, current)
        return current, api.create_key(SLUG), api.create_key(SLUG)

    def _activate(self, session: Session, key_id: str) -> SigningKey:
        issuer = issuer_service.get_issuer(session, SLUG)
        return key_service.activate_key(
            session, issuer=issuer, key_id=key_id, actor="test", now=utc_now()
        )

    def test_overlapping_transactions_leave_one_active_key(
        self, settings: Settings, staged: tuple[str, str, str], db_backend: str
    ) -> None:
        """The first activation holds its transaction open while the second one runs."""
        _current, first, second = staged
        engine = create_db_engine(settings.database_url)
        factory = make_session_factory(engine)
        try:
            with factory() as holder:
                self._activate(holder, first)

                def activate_second() -> str:
                    with factory() as session:
                        key = self._activate(session, second)
                        session.commit()
                        return key.key_id

                thread, outcome = _in_thread(activate_second)
                time.sleep(0.5)
                # Both databases make the second transaction wait for the first.
                assert thread.is_alive()
                holder.commit()
                thread.join(timeout=30)
        finally:
            engine.dispose()
        if db_backend == "postgresql":
            # A real race: the partial unique index refuses the second active key.
            assert isinstance(outcome[0], ConcurrentActivation)
            assert _active_keys(settings) == [first]
        else:
            # SQLite serialises writers (BEGIN IMMEDIATE): the second runs after the first.
            assert outcome == [second]
            assert _active_keys(settings) == [second]

    def test_simultaneous_http_activations_leave_one_active_key(
        self, settings: Settings, app: FastAPI, staged: tuple[str, str, str]
    ) -> None:
        _current, first, second = staged
        token = make_token(app, Scope.KEYS)
        apps = [create_app(settings), create_app(settings)]
        barrier = threading.Barrier(2)

        def activate(application: FastAPI, key_id: str) -> int:
            with TestClient(application) as client:
                barrier.wait()
                path = f"/v1/admin/issuers/{SLUG}/keys/{key_id}/activate"
                response = client.post(path, headers=bearer(token))
                assert response.status_code in {200, 409}, response.text
                return response.status_code

        try:
            runs = [
                _in_thread(lambda a=application, k=key: activate(a, k))
                for application, key in zip(apps, [first, second], strict=True)
            ]
            for thread, _outcome in runs:
                thread.join(timeout=60)
        finally:
            for application in apps:
                application.state.engine.dispose()
        statuses = [outcome[0] for _thread, outcome in runs]
        assert 200 in statuses
        active = _active_keys(settings)
        assert len(active) == 1
        assert active[0] in {first, second}


class TestConcurrentFirstStart:
    def test_two_processes_starting_at_once_create_one_issuer_and_one_key(
        self, settings: Settings
    ) -> None:
        key_service.get_kek(settings)  # the KEK file exists before the workers start
        barrier = threading.Barrier(2)

        def start() -> None:
            barrier.wait()
            bootstrap.prepare(settings)

        runs = [_in_thread(start) for _ in range(2)]
        for thread, _outcome in runs:
            thread.join(timeout=60)
        assert [outcome for _thread, outcome in runs] == [[None], [None]]
        engine = create_db_engine(settings.database_url)
        try:
            with make_session_factory(engine)() as session:
                issuers = session.scalars(select(Issuer.slug)).all()
                keys = session.scalars(select(SigningKey.state)).all()
        finally:
            engine.dispose()
        assert issuers == ["default"]
        assert keys == [KeyState.ACTIVE]

    def test_a_second_start_changes_nothing(self, settings: Settings) -> None:
        bootstrap.prepare(settings)
        first = _active_keys(settings)
        bootstrap.prepare(settings)
        assert _active_keys(settings) == first
        assert len(first) == 1
