"""Check a whole skill map and report every error at once, each with the path of its entry."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from badge_issuer.skillmap.document import Achievement, Rule, SkillMap
from badge_issuer.skillmap.findings import SkillMapError, field, item
from badge_issuer.skillmap.references import check_references
from badge_issuer.skillmap.rule_checks import check_rules
from badge_issuer.skillmap.sections import Sections, parse_sections
from badge_issuer.skillmap.source import (
    DEFAULT_MAX_BYTES,
    SourceError,
    SourceFormat,
    parse_source,
)

_ENTRY_PATH = re.compile(r"(\w+)(?:\[(\d+)\])?")
_SECTION_ORDER = {"frameworks": 1, "skills": 2, "courses": 3, "achievements": 4}


def _document_order(error: SkillMapError) -> tuple[int, int]:
    """Sort key putting errors in the order of the entries they are about (root keys first)."""
    match = _ENTRY_PATH.match(error.path)
    if match is None:
        return (0, 0)
    return (_SECTION_ORDER.get(match[1], 0), int(match[2] or -1))


@dataclass(frozen=True, slots=True)
class SkillMapCheck:
    """Outcome of validation: the errors, or the parsed map and its content hash."""

    errors: tuple[SkillMapError, ...]
    skill_map: SkillMap | None = None
    content_hash: str | None = None

    @property
    def ok(self) -> bool:
        """Return True when the map has no errors."""
        return not self.errors


def canonical_json(skill_map: SkillMap) -> bytes:
    """Return the map as canonical JSON: defaults filled in, keys sorted, no insignificant space."""
    data = skill_map.model_dump(mode="json", exclude_none=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def content_hash(skill_map: SkillMap) -> str:
    """Return the sha256 hex digest of the canonical JSON: equal maps hash equal however written."""
    return hashlib.sha256(canonical_json(skill_map)).hexdigest()


def _assemble(sections: Sections, rules: dict[int, Rule]) -> SkillMap:
    achievements = tuple(
        Achievement.model_validate({**dict(header), "rule": rules[index]})
        for index, header in sections.achievements
    )
    return SkillMap(
        version=sections.version,
        frameworks=tuple(entry for _, entry in sections.frameworks),
        skills=tuple(entry for _, entry in sections.skills),
        courses=tuple(entry for _, entry in sections.courses),
        achievements=achievements,
        labels=sections.labels,
    )


# Tab, line feed and carriage return are text (descriptions span lines); no other C0/C1 control.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_errors(data: object, path: str = "") -> Iterator[SkillMapError]:
    """Yield an error, with its path, for every key or text value holding a control character."""
    stack: list[tuple[object, str]] = [(data, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            found = _CONTROL.search(node)
            if found:
                code = f"U+{ord(found.group()):04X}"
                yield SkillMapError(where, f"contains the control character {code}")
        elif isinstance(node, dict):
            for key, value in node.items():
                below = field(where, str(key))
                if isinstance(key, str) and _CONTROL.search(key):
                    yield SkillMapError(where, f"the key {key!r} contains a control character")
                stack.append((value, below))
        elif isinstance(node, list):
            stack.extend((value, item(where, index)) for index, value in enumerate(node))


def validate_skill_map(
    data: object,
    *,
    known_providers: Collection[str] | None = None,
    known_issuers: Collection[str] | None = None,
) -> SkillMapCheck:
    """Validate already-parsed data (e.g. a JSON request body) as a skill map.

    known_providers / known_issuers, when given, make courses of other providers and
    achievements of other issuers errors.
    """
    if not isinstance(data, dict):
        return SkillMapCheck(errors=(SkillMapError("", "the document root must be a mapping"),))
    control = list(control_character_errors(data))
    if control:
        # Text with control characters would end up in signed credentials: refuse it first.
        return SkillMapCheck(errors=tuple(sorted(control, key=_document_order)[:50]))
    sections, errors = parse_sections(data)
    check_references(
        sections, known_providers=known_providers, known_issuers=known_issuers, errors=errors
    )
    rules = check_rules(sections, errors)
    if errors:
        return SkillMapCheck(errors=tuple(sorted(errors, key=_document_order)))
    skill_map = _assemble(sections, rules)
    return SkillMapCheck(errors=(), skill_map=skill_map, content_hash=content_hash(skill_map))


def load_skill_map(
    source: bytes | str,
    *,
    fmt: SourceFormat | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    known_providers: Collection[str] | None = None,
    known_issuers: Collection[str] | None = None,
) -> SkillMapCheck:
    """Parse a YAML or JSON skill map file and validate it; never raises on bad input."""
    try:
        data = parse_source(source, fmt=fmt, max_bytes=max_bytes)
    except SourceError as exc:
        return SkillMapCheck(errors=(SkillMapError("", str(exc)),))
    return validate_skill_map(data, known_providers=known_providers, known_issuers=known_issuers)
