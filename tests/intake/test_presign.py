"""Credentials signed before the write transaction: stored only when the write plans the same."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badge_issuer import bootstrap
from badge_issuer.awards.issuing import Presigned, signed_before
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.intake import service as intake
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.schemas import IssuerUpdate
from badge_issuer.providers.schemas import CompletionIn
from tests.providers.factories import (
    PROVIDER_ID,
    completion_body,
    create_provider,
    load_skill_map,
    one_badge_per_course,
)

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


@pytest.fixture
def awarding(app: FastAPI, settings: Settings) -> FastAPI:
    bootstrap.prepare(settings)  # the default issuer and its signing key, as `serve` does
    create_provider(app)
    load_skill_map(app, one_badge_per_course())
    return app


def _completion(**overrides: Any) -> CompletionIn:
    return CompletionIn.model_validate(completion_body(**overrides))


def _presign(app: FastAPI, completion: CompletionIn) -> list[Presigned]:
    with app.state.read_session_factory() as reads:
        return intake.presign_completion(
            reads,
            engine=app.state.engine,
            provider_id=PROVIDER_ID,
            completion=completion,
            settings=app.state.settings,
            now=NOW,
        )


def _record(
    app: FastAPI, completion: CompletionIn, presigned: list[Presigned]
) -> intake.RecordOutcome:
    factory = app.state.session_factory
    with factory() as session, session.begin(), signed_before(session, presigned):
        return intake.record_completion(
            session,
            provider_id=PROVIDER_ID,
            completion=completion,
            courses=intake.known_courses(session),
            settings=app.state.settings,
            now=NOW,
        )


def _awards(app: FastAPI) -> list[Award]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(Award).order_by(Award.id)))


class TestPresignedCredentials:
    def test_the_write_stores_the_credential_signed_before_it(self, awarding: FastAPI) -> None:
        completion = _completion()
        (presigned,) = _presign(awarding, completion)
        outcome = _record(awarding, completion, [presigned])
        (award,) = _awards(awarding)
        assert [a.credential_id for a in outcome.awards] == [award.uuid]
        assert award.uuid == presigned.draft.uuid
        assert json.loads(award.document) == presigned.signed
        assert award.status_index == presigned.allocated.index
        assert award.sequence == 0

    def test_a_configuration_change_in_between_makes_the_write_sign_afresh(
        self, awarding: FastAPI
    ) -> None:
        completion = _completion()
        (presigned,) = _presign(awarding, completion)
        with awarding.state.session_factory() as session, session.begin():
            issuer_service.update_issuer(
                session,
                slug="default",
                data=IssuerUpdate(name="Renamed issuer"),
                actor="test",
                now=NOW,
            )
        _record(awarding, completion, [presigned])
        (award,) = _awards(awarding)
        assert award.uuid != presigned.draft.uuid
        assert award.status_index != presigned.allocated.index
        assert json.loads(award.document)["issuer"]["name"] == "Renamed issuer"

    def test_a_learner_record_changed_in_between_is_planned_again(self, awarding: FastAPI) -> None:
        completion = _completion()
        (presigned,) = _presign(awarding, completion)
        # Meanwhile the same learner completes the course again (another moment): that
        # completion earns the badge, so the first one, recorded next, earns nothing.
        _record(awarding, _completion(completed_at="2026-10-02T10:00:00+09:00"), [])
        outcome = _record(awarding, completion, [presigned])
        assert outcome.is_new
        assert outcome.awards == []
        (award,) = _awards(awarding)
        assert award.uuid != presigned.draft.uuid

    def test_other_evidence_is_not_the_same_credential(self, awarding: FastAPI) -> None:
        (presigned,) = _presign(awarding, _completion(score=70))
        _record(awarding, _completion(score=95), [presigned])
        (award,) = _awards(awarding)
        assert award.uuid != presigned.draft.uuid
        assert "score 95" in award.document

    def test_nothing_is_signed_for_a_duplicate_or_an_unknown_course(
        self, awarding: FastAPI
    ) -> None:
        completion = _completion()
        _record(awarding, completion, [])
        assert _presign(awarding, completion) == []
        assert _presign(awarding, _completion(course_id="NO-SUCH-COURSE")) == []
