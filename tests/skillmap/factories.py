"""Small typed builders of skill map documents and completions for the skillmap tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.rulebook import RuleBook, compile_rules
from badge_issuer.skillmap.rules import CompletedCourse
from badge_issuer.skillmap.validation import validate_skill_map

PROVIDER = "lms"
COURSE_IDS = ("A", "B", "C", "D", "E")
DAY_ZERO = datetime(2026, 1, 1, tzinfo=UTC)

Document = dict[str, Any]


def course(course_id: str, *, min_score: float | None = None, provider: str = PROVIDER) -> Document:
    """Return a course leaf rule."""
    reference: Document = {"provider": provider, "course_id": course_id}
    if min_score is not None:
        reference["min_score"] = min_score
    return {"course": reference}


def achievement_entry(achievement_id: str, rule: Document, **extra: Any) -> Document:
    """Return an achievement entry with placeholder texts."""
    return {
        "id": achievement_id,
        "name": f"Name of {achievement_id}",
        "description": "Description.",
        "criteria": "Criteria.",
        "image": f"https://badges.example.jp/{achievement_id}.png",
        "skills": ["skill-a"],
        "rule": rule,
        **extra,
    }


def document(rules: dict[str, Document] | None = None) -> Document:
    """Return a valid skill map document with courses A-E and one achievement per rule."""
    rules = {"only": course("A")} if rules is None else rules
    return {
        "version": "test",
        "frameworks": [{"id": "fw", "name": "Framework", "url": "https://fw.example.jp/"}],
        "skills": [{"id": "skill-a", "name": "Skill A", "framework": "fw", "code": "SA"}],
        "courses": [
            {"provider": PROVIDER, "course_id": cid, "name": f"Course {cid}", "skills": ["skill-a"]}
            for cid in COURSE_IDS
        ],
        "achievements": [achievement_entry(aid, rule) for aid, rule in rules.items()],
    }


def errors_of(doc: object, **options: Any) -> list[tuple[str, str]]:
    """Return (path, message) of every validation error of doc."""
    return [(e.path, e.message) for e in validate_skill_map(doc, **options).errors]


def only_error(doc: object, **options: Any) -> tuple[str, str]:
    """Return (path, message) of the single validation error of doc."""
    errors = errors_of(doc, **options)
    assert len(errors) == 1, errors
    return errors[0]


def skill_map(rules: dict[str, Document]) -> SkillMap:
    """Return the validated skill map with these achievement rules."""
    check = validate_skill_map(document(rules))
    assert check.skill_map is not None, check.errors
    return check.skill_map


def rule_book(rules: dict[str, Document]) -> RuleBook:
    """Return the compiled rules of a skill map with these achievement rules."""
    return compile_rules(skill_map(rules))


def at(day: float) -> datetime:
    """Return the moment `day` days after 2026-01-01 UTC."""
    return DAY_ZERO + timedelta(days=day)


def completion(
    course_id: str, day: float, score: float | None = None, *, completion_id: str | None = None
) -> CompletedCourse:
    """Return a completion of course_id on the given day; its id defaults to e.g. 'A@3'."""
    return CompletedCourse(
        completion_id=completion_id or f"{course_id}@{day}",
        provider=PROVIDER,
        course_id=course_id,
        completed_at=at(day),
        score=score,
    )


def store_skill_map(
    session: Session,
    *,
    data: Document | None = None,
    source: str | None = None,
    now: datetime,
    allow_unknown_providers: bool = False,
    created_by: str = "test",
) -> None:
    """Check a skill map (a parsed document or YAML/JSON text) and store it as the current one."""
    checked = skillmap_service.check(
        session, data=data, source=source, allow_unknown_providers=allow_unknown_providers
    )
    assert checked.ok, checked.errors
    text = source if source is not None else json.dumps(data)
    skillmap_service.store_version(
        session, checked=checked, source_text=text, created_by=created_by, now=now
    )
