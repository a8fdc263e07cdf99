"""A session on the per-test database and an award factory bound to it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from badge_issuer.db import create_db_engine, make_session_factory
from tests.stats.factories import AwardFactory

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = create_db_engine(database_url)
    db_session = make_session_factory(engine)()
    try:
        yield db_session
    finally:
        db_session.rollback()
        db_session.close()
        engine.dispose()


@pytest.fixture
def factory(session: Session) -> AwardFactory:
    return AwardFactory(session, NOW)
