"""Skill map versions: validate, store every version, serve the current one (parsed, cached)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from badge_issuer.issuers.models import Issuer
from badge_issuer.kit.files import read_bounded
from badge_issuer.providers.models import Provider
from badge_issuer.skillmap import repository
from badge_issuer.skillmap.document import SkillMap
from badge_issuer.skillmap.errors import SkillMapInvalid
from badge_issuer.skillmap.findings import SkillMapError
from badge_issuer.skillmap.models import SkillMapVersion
from badge_issuer.skillmap.rulebook import RuleBook, compile_rules
from badge_issuer.skillmap.source import DEFAULT_MAX_BYTES, SourceFormat
from badge_issuer.skillmap.validation import SkillMapCheck, load_skill_map, validate_skill_map


@dataclass(frozen=True, slots=True)
class CurrentSkillMap:
    """The current version with its parsed map and compiled rules."""

    version_id: int
    content_hash: str
    skill_map: SkillMap
    rules: RuleBook

    def course_keys(self) -> set[tuple[str, str]]:
        return {course.key for course in self.skill_map.courses}


# Parsing and compiling a map costs milliseconds; versions never change once stored.
_compiled: dict[tuple[int, str], CurrentSkillMap] = {}


def _known_providers(session: Session) -> set[str]:
    return set(session.scalars(select(Provider.id)))


def _known_issuers(session: Session) -> set[str]:
    return set(session.scalars(select(Issuer.slug)))


def check(
    session: Session,
    *,
    source: bytes | str | None = None,
    data: object = None,
    fmt: SourceFormat | None = None,
    allow_unknown_providers: bool = False,
) -> SkillMapCheck:
    """Validate a map (file text or parsed JSON) against this deployment's providers and issuers."""
    providers = None if allow_unknown_providers else _known_providers(session)
    issuers = _known_issuers(session)
    if source is not None:
        return load_skill_map(source, fmt=fmt, known_providers=providers, known_issuers=issuers)
    return validate_skill_map(data, known_providers=providers, known_issuers=issuers)


def errors_as_problem_members(errors: tuple[SkillMapError, ...]) -> list[dict[str, str]]:
    return [{"pointer": error.path, "message": error.message} for error in errors]


def store_version(
    session: Session,
    *,
    checked: SkillMapCheck,
    source_text: str,
    created_by: str,
    now: datetime,
) -> SkillMapVersion:
    """Keep a validated map as a new version and make it current (earlier ones are kept)."""
    if not checked.ok or checked.skill_map is None or checked.content_hash is None:
        raise SkillMapInvalid(
            f"{len(checked.errors)} error(s) in the skill map",
            errors=errors_as_problem_members(checked.errors),
        )
    repository.lock_version_changes(session)
    repository.clear_current(session)
    version = SkillMapVersion(
        label=checked.skill_map.version or checked.content_hash[:12],
        content_hash=checked.content_hash,
        content=checked.skill_map.model_dump(mode="json", exclude_none=True),
        source_text=source_text,
        created_by=created_by,
        created_at=now,
        is_current=True,
    )
    return repository.add(session, version)


def check_file(
    session: Session, path: Path, *, what: str, allow_unknown_providers: bool = False
) -> tuple[SkillMapCheck, bytes]:
    """Read a skill map file (bounded; JSON by its suffix, else YAML), check it; return both."""
    source = read_bounded(path, max_bytes=DEFAULT_MAX_BYTES, what=what)
    fmt: SourceFormat | None = "json" if path.suffix.lower() == ".json" else None
    checked = check(
        session, source=source, fmt=fmt, allow_unknown_providers=allow_unknown_providers
    )
    return checked, source


def store_file(
    session: Session, *, checked: SkillMapCheck, source: bytes, created_by: str, now: datetime
) -> SkillMapVersion:
    """Store a checked file as the new current version, keeping its text as read."""
    text = source.decode("utf-8", errors="replace")
    return store_version(session, checked=checked, source_text=text, created_by=created_by, now=now)


def load_current(session: Session) -> CurrentSkillMap | None:
    """Return the current map, parsed and compiled (cached per version).

    One transaction sees one current map: the answer is kept in the session for the rest of its
    transaction (a completion asks several times), and a version change in it forgets it.
    """
    transaction = session.get_transaction()
    seen = session.info.get(repository.CURRENT_IN_TRANSACTION)
    if transaction is not None and seen is not None and seen[0] is transaction:
        return seen[1]  # type: ignore[no-any-return]
    current = _load_current(session)
    transaction = session.get_transaction()  # the query above began it if none was open
    if transaction is not None:
        session.info[repository.CURRENT_IN_TRANSACTION] = (transaction, current)
    return current


def _load_current(session: Session) -> CurrentSkillMap | None:
    # Two small columns; the document is read only when this process has not compiled it yet.
    key = repository.current_key(session)
    if key is None:
        return None
    cached = _compiled.get(key)
    if cached is None:
        cached = _compile(key, repository.content(session, key[0]))
    return cached


def load_version(session: Session, version_id: int) -> CurrentSkillMap | None:
    """Return a stored version (current or not), parsed and compiled (cached), or None."""
    version = repository.get(session, version_id)
    return None if version is None else _compiled_version(version)


def _compiled_version(version: SkillMapVersion) -> CurrentSkillMap:
    key = (version.id, version.content_hash)
    cached = _compiled.get(key)
    return cached if cached is not None else _compile(key, version.content)


def _compile(key: tuple[int, str], content: object) -> CurrentSkillMap:
    skill_map = SkillMap.model_validate(content)
    compiled = CurrentSkillMap(key[0], key[1], skill_map, compile_rules(skill_map))
    _compiled[key] = compiled
    return compiled


def current_course_ids(session: Session) -> set[tuple[str, str]] | None:
    """(provider, course_id) of every course of the current map; None when no map is loaded."""
    current = load_current(session)
    return None if current is None else current.course_keys()


def unregistered_providers(session: Session, checked: SkillMapCheck) -> set[str]:
    """Providers a map names that have no account yet (their webhooks would be refused)."""
    if checked.skill_map is None:
        return set()
    return {course.provider for course in checked.skill_map.courses} - _known_providers(session)
