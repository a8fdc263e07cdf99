"""Learners found and registered by keyed email hash; latest non-null group wins."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.learners import service
from badge_issuer.learners.models import Learner

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class _Person:
    """The email as given (unvalidated: the service itself must normalise it)."""

    email: str
    region: str | None
    category: str | None


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    engine = create_db_engine(settings.database_url)
    try:
        yield from session_scope(make_session_factory(engine))
    finally:
        engine.dispose()


def _learner(
    session: Session,
    settings: Settings,
    email: str = "sato.hanako@example.jp",
    *,
    region: str | None = None,
    category: str | None = None,
    now: datetime = T0,
) -> Learner:
    person = _Person(email=email, region=region, category=category)
    return service.get_or_create_learner(session, person=person, settings=settings, now=now)


class TestGetOrCreateLearner:
    def test_creates_a_learner_known_only_by_hash(
        self, session: Session, settings: Settings
    ) -> None:
        learner = _learner(session, settings, region="01-okhotsk", category="worker-non-it")
        assert learner.id is not None
        assert learner.email is None
        assert learner.email_hash == service.hash_email("sato.hanako@example.jp", settings=settings)
        assert "sato" not in learner.email_hash
        assert (learner.region, learner.category) == ("01-okhotsk", "worker-non-it")

    def test_email_case_and_spaces_find_the_same_learner(
        self, session: Session, settings: Settings
    ) -> None:
        first = _learner(session, settings)
        again = _learner(session, settings, " Sato.Hanako@Example.JP ")
        assert again.id == first.id
        assert session.scalar(select(func.count()).select_from(Learner)) == 1

    def test_latest_non_null_region_and_category_win(
        self, session: Session, settings: Settings
    ) -> None:
        _learner(session, settings, region="01-okhotsk", category="worker-non-it")
        later = T0 + timedelta(days=1)
        learner = _learner(session, settings, region="01-ishikari", category=None, now=later)
        assert (learner.region, learner.category) == ("01-ishikari", "worker-non-it")
        assert learner.updated_at == later

    def test_nothing_new_leaves_updated_at(self, session: Session, settings: Settings) -> None:
        _learner(session, settings, region="01-okhotsk")
        learner = _learner(session, settings, now=T0 + timedelta(days=3))
        assert learner.updated_at == T0

    def test_stores_the_normalised_email_only_when_configured(
        self, session: Session, settings: Settings
    ) -> None:
        storing = settings.model_copy(update={"store_emails": True})
        learner = _learner(session, storing, " A@Example.JP ")
        assert learner.email == "a@example.jp"

    def test_different_hash_secret_gives_a_different_learner(
        self, session: Session, settings: Settings
    ) -> None:
        from pydantic import SecretStr

        other = settings.model_copy(update={"learner_hash_secret": SecretStr("another-secret")})
        assert _learner(session, settings).id != _learner(session, other).id


class TestFindLearner:
    def test_finds_by_any_case(self, session: Session, settings: Settings) -> None:
        created = _learner(session, settings)
        found = service.find_learner(session, email="SATO.hanako@example.jp", settings=settings)
        assert found is not None
        assert found.id == created.id

    def test_unknown_email_is_none(self, session: Session, settings: Settings) -> None:
        assert service.find_learner(session, email="x@example.jp", settings=settings) is None
