"""Schema stage of validation: check each entry on its own, so one bad entry hides nothing else.

Achievement rules are kept raw here; `rule_checks` parses them node by node.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from badge_issuer.skillmap.document import (
    RULE_TAGS,
    SECTIONS,
    AchievementHeader,
    Course,
    Framework,
    GroupLabels,
    Skill,
    Text,
)
from badge_issuer.skillmap.findings import SkillMapError
from badge_issuer.skillmap.findings import field as field_path
from badge_issuer.skillmap.findings import item as item_path

EntryT = TypeVar("EntryT", bound=BaseModel)
Indexed = list[tuple[int, EntryT]]

_VERSION = TypeAdapter(Text)
_LABELS = TypeAdapter(GroupLabels)
_ENTRY_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "frameworks": TypeAdapter(Framework),
    "skills": TypeAdapter(Skill),
    "courses": TypeAdapter(Course),
    "achievements": TypeAdapter(AchievementHeader),
}
_FIXED_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dict_type": "must be a mapping",
}


@dataclass
class Sections:
    """The entries that passed the schema stage, each with its index in the file."""

    version: str | None = None
    labels: GroupLabels | None = None
    frameworks: Indexed[Framework] = field(default_factory=list)
    skills: Indexed[Skill] = field(default_factory=list)
    courses: Indexed[Course] = field(default_factory=list)
    achievements: Indexed[AchievementHeader] = field(default_factory=list)
    # The raw `rule` of achievement entries, by entry index.
    raw_rules: dict[int, object] = field(default_factory=dict)
    # Per section, the id of every entry whose id has the right type, valid or not, by entry
    # index: duplicates are found among all of them, and references to an entry that failed
    # the schema stage are not reported as unknown (its own errors say what is wrong).
    raw_ids: dict[str, dict[int, Hashable]] = field(default_factory=dict)
    # Sections missing, not a list, or with an entry whose id cannot be read: no reference
    # to them is reported unknown, as the section's own errors come first.
    opaque: set[str] = field(default_factory=set)

    def known_ids(self, section: str) -> Container[Hashable]:
        """Return the ids references into section may use without being reported unknown."""
        if section in self.opaque:
            return _ANY_ID
        return set(self.raw_ids.get(section, {}).values())


class _AnyId:
    """Contains every id: stands for a section whose ids cannot all be read."""

    def __contains__(self, _: object) -> bool:
        return True


_ANY_ID = _AnyId()


def _location(prefix: str, loc: tuple[int | str, ...]) -> str:
    path = prefix
    for position, part in enumerate(loc):
        # Rule union tags sit between a rule and its fields; a trailing one is a user's key.
        if part in RULE_TAGS and position < len(loc) - 1:
            continue
        path = item_path(path, part) if isinstance(part, int) else field_path(path, str(part))
    return path


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind in _FIXED_MESSAGES:
        return _FIXED_MESSAGES[kind]
    if kind == "greater_than_equal":
        return f"must be at least {error.get('ctx', {}).get('ge')}"
    if kind == "string_type" and isinstance(error["input"], int | float):
        return "must be a string (quote it in YAML)"
    return error["msg"].removeprefix("Value error, ")


def pydantic_errors(prefix: str, exc: ValidationError) -> list[SkillMapError]:
    """Convert a pydantic ValidationError into errors whose paths start at prefix."""
    return [SkillMapError(_location(prefix, e["loc"]), _message(e)) for e in exc.errors()]


def _raw_id(section: str, entry: object) -> Hashable | None:
    if not isinstance(entry, dict):
        return None
    if section == "courses":
        key = (entry.get("provider"), entry.get("course_id"))
        return key if all(isinstance(part, str) for part in key) else None
    entry_id = entry.get("id")
    return entry_id if isinstance(entry_id, str) else None


def _without_rule(section: str, index: int, entry: object, sections: Sections) -> object:
    """Set an achievement's raw rule aside, returning the rest of the entry for the schema."""
    if section != "achievements" or not isinstance(entry, dict):
        return entry
    if "rule" in entry:
        sections.raw_rules[index] = entry["rule"]
    return {key: value for key, value in entry.items() if key != "rule"}


def _parse_entries(
    name: str, raw: object, sections: Sections, errors: list[SkillMapError]
) -> Indexed[BaseModel]:
    if not isinstance(raw, list):
        errors.append(SkillMapError(name, "must be a list"))
        sections.opaque.add(name)
        return []
    adapter = _ENTRY_ADAPTERS[name]
    parsed: Indexed[BaseModel] = []
    ids = sections.raw_ids.setdefault(name, {})
    for index, entry in enumerate(raw):
        path = item_path(name, index)
        entry_id = _raw_id(name, entry)
        if entry_id is None:
            sections.opaque.add(name)
        else:
            ids[index] = entry_id
        if name == "achievements" and isinstance(entry, dict) and "rule" not in entry:
            errors.append(SkillMapError(field_path(path, "rule"), _FIXED_MESSAGES["missing"]))
        try:
            parsed.append(
                (index, adapter.validate_python(_without_rule(name, index, entry, sections)))
            )
        except ValidationError as exc:
            errors.extend(pydantic_errors(path, exc))
    return parsed


def parse_sections(data: Mapping[Any, Any]) -> tuple[Sections, list[SkillMapError]]:
    """Validate the root keys and every entry; return the good entries and all schema errors."""
    errors: list[SkillMapError] = []
    sections = Sections()
    for key in data:
        if key not in ("version", "labels") and key not in SECTIONS:
            errors.append(SkillMapError(str(key), "unknown field"))
    if data.get("labels") is not None:
        try:
            sections.labels = _LABELS.validate_python(data["labels"])
        except ValidationError as exc:
            errors.extend(pydantic_errors("labels", exc))
    if data.get("version") is not None:
        try:
            sections.version = _VERSION.validate_python(data["version"])
        except ValidationError as exc:
            errors.extend(pydantic_errors("version", exc))
    for name in SECTIONS:
        if name not in data:
            errors.append(SkillMapError(name, _FIXED_MESSAGES["missing"]))
            sections.opaque.add(name)
        else:
            setattr(sections, name, _parse_entries(name, data[name], sections, errors))
    return sections, errors
