"""Apply a skill map version to existing learners: impact, then batches (scope `skillmap`)."""

from __future__ import annotations

from fastapi import APIRouter

from badge_issuer.admin.deps import SkillMapAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.awards import remap
from badge_issuer.problems import problem_responses
from badge_issuer.skillmap import service
from badge_issuer.skillmap.errors import NoSkillMap
from badge_issuer.skillmap.schemas import ApplyCreate, ApplyRunRead, ImpactRead

router = APIRouter(prefix="/v1/admin/skill-map", tags=["admin: skill map"])


@router.get(
    "/versions/{version_id}/impact",
    response_model=ImpactRead,
    responses=problem_responses(401, 403, 404),
)
def get_impact(
    version_id: int, session: SessionDep, now: NowDep, _admin: SkillMapAdmin
) -> ImpactRead:
    """Which existing learners a stored version would newly award now (nothing is issued)."""
    version = service.load_version(session, version_id)
    if version is None:
        raise NoSkillMap(f"No skill map version {version_id}.")
    return remap.impact_read(remap.impact(session, book=version.rules, now=now))


@router.post(
    "/versions/{version_id}/apply",
    response_model=ApplyRunRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def apply_version(
    version_id: int,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: SkillMapAdmin,
    data: ApplyCreate | None = None,
) -> ApplyRunRead:
    """Evaluate every learner under the current version and issue what they newly meet, through
    the normal award path (mails and callbacks follow). Runs `batches` batches of learners per
    call and answers the run's progress; call again until `state` is `done` (an unfinished run
    resumes where it stopped). Never revokes anything."""
    data = data or ApplyCreate()
    run = remap.start_apply(session, version_id=version_id, actor=admin.name, now=now)
    emails = remap.emails_by_learner(session, data.emails, settings=settings)
    for _ in range(data.batches):
        run = remap.apply_batch(
            session,
            run_id=run.id,
            actor=admin.name,
            settings=settings,
            now=now,
            emails=emails,
            batch=data.batch_size,
        )
        if run.state != "running":
            break
    return ApplyRunRead.model_validate(run)


@router.get(
    "/applies/{run_id}", response_model=ApplyRunRead, responses=problem_responses(401, 403, 404)
)
def get_apply_run(run_id: int, session: SessionDep, _admin: SkillMapAdmin) -> ApplyRunRead:
    """The progress of an apply run."""
    return ApplyRunRead.model_validate(remap.get_run(session, run_id))
