"""Credentials are counted when their transaction commits: never a rolled-back award."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient

from badge_issuer.awards.models import Award
from tests.harness import Harness

LABELS = {"issuer": "default", "achievement": "dx-literacy-bronze", "source": "rule"}


def _issued() -> float:
    return REGISTRY.get_sample_value("badge_issuer_credentials_issued_total", LABELS) or 0.0


def _copy(session: Session, *, sequence_offset: int) -> Award:
    """A second award like the stored one (a new uuid, another status index)."""
    award = session.scalars(select(Award).limit(1)).one()
    session.expunge(award)
    make_transient(award)
    award.id = None  # type: ignore[assignment]
    award.uuid = str(uuid.uuid4())
    award.sequence += sequence_offset
    award.status_index += 1_000 + sequence_offset
    return award


@pytest.fixture
def one_award(harness: Harness) -> Harness:
    for course, day in (("DXL-101", "01"), ("SEC-120", "02")):
        answer = harness.post_completion(
            "manabi-portal",
            {
                "learner": {"email": "recorded@example.jp"},
                "course_id": course,
                "completed_at": f"2026-11-{day}T10:00:00+09:00",
            },
        )
        assert answer.status_code == 201, answer.text
    return harness


class TestCountedOnCommit:
    def test_a_rolled_back_award_is_not_counted(self, one_award: Harness) -> None:
        factory = one_award.client.app.state.session_factory  # type: ignore[attr-defined]
        before = _issued()
        with factory() as session:
            session.add(_copy(session, sequence_offset=1))
            session.flush()
            session.rollback()
        assert _issued() == before
        with factory() as session:
            session.add(_copy(session, sequence_offset=1))
            session.commit()
        assert _issued() == before + 1

    def test_an_award_refused_in_a_savepoint_is_not_counted(self, one_award: Harness) -> None:
        factory = one_award.client.app.state.session_factory  # type: ignore[attr-defined]
        before = _issued()
        with factory() as session:
            duplicate = _copy(session, sequence_offset=0)  # same learner, achievement, sequence
            with pytest.raises(IntegrityError), session.begin_nested():
                session.add(duplicate)
            kept = _copy(session, sequence_offset=2)
            with session.begin_nested():
                session.add(kept)
            session.commit()
        assert _issued() == before + 1
