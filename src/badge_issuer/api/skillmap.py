"""Admin management of the skill map (scope `skillmap`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from sqlalchemy.orm import Session

from badge_issuer.admin.deps import IssuerSkillMapAdmin, SkillMapAdmin
from badge_issuer.api.deps import NowDep, SessionDep
from badge_issuer.audit import service as audit
from badge_issuer.awards import remap, warming
from badge_issuer.issuers import service as issuer_service
from badge_issuer.kit.http import request_body
from badge_issuer.problems import UnsupportedMediaType, problem_responses
from badge_issuer.skillmap import part_service, repository, service
from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.errors import NoSkillMap, SkillMapInvalid
from badge_issuer.skillmap.rulebook import compile_rules
from badge_issuer.skillmap.schemas import (
    ImpactRead,
    SkillMapCheckedRead,
    SkillMapIssue,
    SkillMapLoadedRead,
    SkillMapPartRead,
    SkillMapRead,
    SkillMapVersionRead,
)
from badge_issuer.skillmap.source import SourceError, SourceFormat, parse_source
from badge_issuer.skillmap.validation import SkillMapCheck

router = APIRouter(prefix="/v1/admin/skill-map", tags=["admin: skill map"])

_BODY = request_body(
    {"application/yaml": {"type": "string"}, "application/json": {"type": "object"}}
)
_YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"}


def _format(request: Request) -> SourceFormat:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        return "json"
    if media_type in _YAML_TYPES:
        return "yaml"
    raise UnsupportedMediaType("Send the skill map as application/json or application/yaml.")


_IMPACT = "Report which learners would newly earn which badges (nothing is issued)."


async def _checked(
    request: Request, session: Session, allow_unknown_providers: bool
) -> tuple[bytes, SkillMapCheck]:
    """The posted map (JSON or YAML, else 415) and what checking it found."""
    fmt = _format(request)
    body = await request.body()
    checked = service.check(
        session, source=body, fmt=fmt, allow_unknown_providers=allow_unknown_providers
    )
    return body, checked


def _impact(session: Session, skill_map: SkillMap, *, now: datetime) -> ImpactRead:
    """The existing learners a valid map would newly award (nothing is issued)."""
    report = remap.impact(session, book=compile_rules(skill_map), now=now)
    return remap.impact_read(report)


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
    body, checked = await _checked(request, session, allow_unknown_providers)
    version = service.store_version(
        session,
        checked=checked,
        source_text=body.decode("utf-8", errors="replace"),
        created_by=admin.actor,
        now=now,
    )
    # Its achievements' credential shapes, warmed off the learners' requests (this process).
    warming.warm_in_background(session, request.app.state.settings)
    audit.record(
        session,
        actor=admin.actor,
        action="skill_map.load",
        target_type="skill_map_version",
        target_id=str(version.id),
        now=now,
        details={"content_hash": version.content_hash, "label": version.label},
    )
    loaded = SkillMapLoadedRead.model_validate(version)
    if impact and checked.skill_map is not None:
        loaded.impact = _impact(session, checked.skill_map, now=now)
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
    _, checked = await _checked(request, session, allow_unknown_providers)
    result = _result(checked)
    if impact and checked.ok and checked.skill_map is not None:
        result.impact = _impact(session, checked.skill_map, now=now)
    return result


issuer_router = APIRouter(prefix="/v1/admin/issuers/{slug}/skill-map", tags=["admin: skill map"])
SlugPath = Annotated[str, Path(max_length=64, description="The issuer's slug.")]


@issuer_router.get(
    "", response_model=SkillMapPartRead, responses=problem_responses(401, 403, 404, 422)
)
def get_issuer_part(
    slug: SlugPath, session: SessionDep, _admin: IssuerSkillMapAdmin
) -> SkillMapPartRead:
    """Return the issuer's part of the current map: its achievements and the courses they use."""
    issuer_service.get_issuer(session, slug)
    version_id, part = part_service.current_part(session, slug=slug)
    return SkillMapPartRead(issuer=slug, version_id=version_id, **part)


@issuer_router.put(
    "",
    response_model=SkillMapRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 413, 415, 422),
    openapi_extra=_BODY,
)
async def put_issuer_part(
    slug: SlugPath,
    request: Request,
    session: SessionDep,
    admin: IssuerSkillMapAdmin,
    now: NowDep,
    allow_unknown_providers: bool = False,
) -> SkillMapRead:
    """Replace the issuer's achievements (and the courses only they use); a new map version.

    Other issuers' achievements, and courses they use, are never changed (403 if the part
    tries). Shared frameworks and skills may be added or repeated unchanged. The merged map is
    validated as a whole: error paths point into the merged map.
    """
    issuer_service.get_issuer(session, slug)
    fmt = _format(request)
    try:
        part = parse_source(await request.body(), fmt=fmt)
    except SourceError as exc:
        raise SkillMapInvalid(str(exc), errors=[{"pointer": "", "message": str(exc)}]) from None
    version = part_service.replace_part(
        session,
        slug=slug,
        part=part,
        created_by=admin.actor,
        now=now,
        allow_unknown_providers=allow_unknown_providers,
    )
    # As for a whole map: the new achievements' credential shapes, warmed off the requests.
    warming.warm_in_background(session, request.app.state.settings)
    return SkillMapRead.model_validate(version)
