"""Admin management of the skill map (scope `skillmap`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status

from badge_issuer.admin.deps import SkillMapAdmin
from badge_issuer.api.deps import NowDep, SessionDep
from badge_issuer.audit import service as audit
from badge_issuer.awards import remap, warming
from badge_issuer.problems import UnsupportedMediaType, problem_responses
from badge_issuer.skillmap import repository, service
from badge_issuer.skillmap.errors import NoSkillMap
from badge_issuer.skillmap.rulebook import compile_rules
from badge_issuer.skillmap.schemas import (
    SkillMapCheckedRead,
    SkillMapIssue,
    SkillMapLoadedRead,
    SkillMapRead,
    SkillMapVersionRead,
)
from badge_issuer.skillmap.source import SourceFormat

router = APIRouter(prefix="/v1/admin/skill-map", tags=["admin: skill map"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}
_YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"}


def _format(request: Request) -> SourceFormat:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        return "json"
    if media_type in _YAML_TYPES:
        return "yaml"
    raise UnsupportedMediaType("Send the skill map as application/json or application/yaml.")


_IMPACT = "Report which learners would newly earn which badges (nothing is issued)."


def _result(checked: Any) -> SkillMapCheckedRead:
    return SkillMapCheckedRead(
        ok=checked.ok,
        errors=[SkillMapIssue(pointer=e.path, message=e.message) for e in checked.errors],
        content_hash=checked.content_hash,
    )


@router.get("", response_model=SkillMapRead, responses=problem_responses(401, 403, 404))
def get_skill_map(session: SessionDep, _admin: SkillMapAdmin) -> SkillMapRead:
    """Return the current skill map version."""
    version = repository.current(session)
    if version is None:
        raise NoSkillMap("No skill map has been loaded yet.")
    return SkillMapRead.model_validate(version)


@router.get(
    "/versions", response_model=list[SkillMapVersionRead], responses=problem_responses(401, 403)
)
def list_skill_map_versions(
    session: SessionDep,
    _admin: SkillMapAdmin,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[SkillMapVersionRead]:
    """List every stored version, newest first (who loaded it, when, content hash)."""
    return [
        SkillMapVersionRead.model_validate(v)
        for v in repository.list_versions(session, limit=limit)
    ]


@router.put(
    "",
    response_model=SkillMapLoadedRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 413, 415, 422),
    openapi_extra=_BODY,
)
async def put_skill_map(
    request: Request,
    session: SessionDep,
    admin: SkillMapAdmin,
    now: NowDep,
    allow_unknown_providers: bool = False,
    impact: Annotated[bool, Query(description=_IMPACT)] = True,
) -> SkillMapLoadedRead:
    """Validate and store a new skill map version, which becomes current.

    The answer reports which existing learners the new version would newly award (`impact`);
    nothing is issued until `POST /v1/admin/skill-map/versions/{version_id}/apply`."""
    fmt = _format(request)
    body = await request.body()
    checked = service.check(
        session, source=body, fmt=fmt, allow_unknown_providers=allow_unknown_providers
    )
    version = service.store_version(
        session,
        checked=checked,
        source_text=body.decode("utf-8", errors="replace"),
        created_by=admin.name,
        now=now,
    )
    # Its achievements' credential shapes, warmed off the learners' requests (this process).
    warming.warm_in_background(session, request.app.state.settings)
    audit.record(
        session,
        actor=admin.name,
        action="skill_map.load",
        target_type="skill_map_version",
        target_id=str(version.id),
        now=now,
        details={"content_hash": version.content_hash, "label": version.label},
    )
    loaded = SkillMapLoadedRead.model_validate(version)
    if impact and checked.skill_map is not None:
        report = remap.impact(session, book=compile_rules(checked.skill_map), now=now)
        loaded.impact = remap.impact_read(report)
    return loaded


@router.post(
    "/check",
    response_model=SkillMapCheckedRead,
    responses=problem_responses(401, 403, 413, 415),
    openapi_extra=_BODY,
)
async def check_skill_map(
    request: Request,
    session: SessionDep,
    _admin: SkillMapAdmin,
    now: NowDep,
    allow_unknown_providers: bool = False,
    impact: Annotated[bool, Query(description=_IMPACT)] = True,
) -> SkillMapCheckedRead:
    """Validate a skill map without storing it; every error names its path. A valid map also
    gets its impact: the existing learners it would newly award (nothing is issued)."""
    fmt = _format(request)
    body = await request.body()
    checked = service.check(
        session, source=body, fmt=fmt, allow_unknown_providers=allow_unknown_providers
    )
    result = _result(checked)
    if impact and checked.ok and checked.skill_map is not None:
        report = remap.impact(session, book=compile_rules(checked.skill_map), now=now)
        result.impact = remap.impact_read(report)
    return result
