"""Use cases on one issuer's part of the skill map: read it, replace it (a new version)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.audit import service as audit
from badge_issuer.skillmap import repository, service
from badge_issuer.skillmap.errors import SkillMapInvalid, SkillMapPartForbidden
from badge_issuer.skillmap.models import SkillMapVersion
from badge_issuer.skillmap.parts import issuer_part, merge_part


def current_part(session: Session, *, slug: str) -> tuple[int | None, dict[str, Any]]:
    """Return the current version's id and the issuer's part of it (empty without a map)."""
    version = repository.current(session)
    if version is None:
        return None, issuer_part({}, slug)
    return version.id, issuer_part(version.content, slug)


def replace_part(
    session: Session,
    *,
    slug: str,
    part: object,
    created_by: str,
    now: datetime,
    allow_unknown_providers: bool = False,
) -> SkillMapVersion:
    """Merge the issuer's new part into the current map, validate the whole, store a version."""
    version = repository.current(session)
    merged = merge_part(None if version is None else version.content, part, slug)
    if merged.errors:
        raise SkillMapInvalid(
            f"{len(merged.errors)} error(s) in the part",
            errors=service.errors_as_problem_members(merged.errors),
        )
    if merged.forbidden or merged.data is None:
        raise SkillMapPartForbidden(
            f"The part of issuer {slug!r} would change entries that are not its own.",
            errors=service.errors_as_problem_members(merged.forbidden),
        )
    checked = service.check(
        session, data=merged.data, allow_unknown_providers=allow_unknown_providers
    )
    stored = service.store_version(
        session,
        checked=checked,
        source_text=_json_text(merged.data),
        created_by=created_by,
        now=now,
    )
    audit.record(
        session,
        actor=created_by,
        action="skill_map.part_load",
        target_type="skill_map_version",
        target_id=str(stored.id),
        now=now,
        details={"issuer": slug, "content_hash": stored.content_hash},
    )
    return stored


def _json_text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
