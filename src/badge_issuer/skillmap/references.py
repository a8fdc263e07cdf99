"""Consistency of entries with each other: duplicate ids and references between sections."""

from __future__ import annotations

from collections.abc import Collection, Container, Hashable, Iterable

from badge_issuer.skillmap.findings import SkillMapError, field, item
from badge_issuer.skillmap.sections import Sections

_WHAT = {"frameworks": "framework id", "skills": "skill id", "achievements": "achievement id"}


def _describe(section: str, key: Hashable) -> str:
    if section == "courses" and isinstance(key, tuple):
        return f"course {key[1]!r} of provider {key[0]!r}"
    return f"{_WHAT[section]} {key!r}"


def _check_duplicates(section: str, sections: Sections, errors: list[SkillMapError]) -> None:
    first: dict[Hashable, int] = {}
    for index, key in sorted(sections.raw_ids.get(section, {}).items()):
        if key in first:
            earlier = item(section, first[key])
            message = f"duplicate {_describe(section, key)} (first defined at {earlier})"
            errors.append(SkillMapError(item(section, index), message))
        else:
            first[key] = index


def _check_skill_list(
    path: str, skills: Iterable[str], known: Container[Hashable], errors: list[SkillMapError]
) -> None:
    seen: set[str] = set()
    for position, skill_id in enumerate(skills):
        if skill_id not in known:
            errors.append(SkillMapError(item(path, position), f"unknown skill {skill_id!r}"))
        elif skill_id in seen:
            errors.append(
                SkillMapError(item(path, position), f"skill {skill_id!r} is listed twice")
            )
        seen.add(skill_id)


def _check_known(
    path: str, value: str, known: Collection[str] | None, what: str, errors: list[SkillMapError]
) -> None:
    if known is not None and value not in known:
        errors.append(SkillMapError(path, f"unknown {what} {value!r}"))


def check_references(
    sections: Sections,
    *,
    known_providers: Collection[str] | None,
    known_issuers: Collection[str] | None,
    errors: list[SkillMapError],
) -> None:
    """Report duplicate ids and dangling references among frameworks, skills and courses."""
    for section in ("frameworks", "skills", "courses", "achievements"):
        _check_duplicates(section, sections, errors)
    frameworks = sections.known_ids("frameworks")
    skills = sections.known_ids("skills")
    for index, skill in sections.skills:
        if skill.framework not in frameworks:
            path = field(item("skills", index), "framework")
            errors.append(SkillMapError(path, f"unknown framework {skill.framework!r}"))
    for index, course in sections.courses:
        path = item("courses", index)
        _check_skill_list(field(path, "skills"), course.skills, skills, errors)
        _check_known(field(path, "provider"), course.provider, known_providers, "provider", errors)
    for index, achievement in sections.achievements:
        path = item("achievements", index)
        _check_skill_list(field(path, "skills"), achievement.skills, skills, errors)
        _check_known(field(path, "issuer"), achievement.issuer, known_issuers, "issuer", errors)
