"""A learner's badges and the way to the others, for providers' LMS pages (scope `providers`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from badge_issuer.admin.deps import ProvidersAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.awards import progress
from badge_issuer.awards.progress_schemas import LearnerWaysRead
from badge_issuer.problems import problem_responses

router = APIRouter(tags=["learners"])


@router.get(
    "/v1/learners/progress",
    response_model=LearnerWaysRead,
    responses=problem_responses(401, 403, 422),
)
def learner_progress(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    _provider: ProvidersAdmin,
    email: Annotated[str, Query(min_length=3, max_length=320)],
) -> LearnerWaysRead:
    """Every badge the learner holds (revoked and expired ones marked) and, for each other
    badge, the rule in words, the courses done and the courses still missing, with links."""
    return progress.learner_ways(session, email=email, settings=settings, now=now)
