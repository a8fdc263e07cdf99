"""Readiness checks: the database answers, migrations are at head, domains add their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from badge_issuer import migrate


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


ReadinessCheck = Callable[[Session], CheckResult]
_checks: list[ReadinessCheck] = []


def register(check: ReadinessCheck) -> ReadinessCheck:
    """Add a domain's readiness check (e.g. "an active signing key exists")."""
    if check not in _checks:
        _checks.append(check)
    return check


def _database(session: Session) -> CheckResult:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return CheckResult("database", False, f"unreachable ({type(exc).__name__})")
    return CheckResult("database", True, "reachable")


def _migrations(session: Session) -> CheckResult:
    heads = migrate.head_revisions()
    current = migrate.current_revisions(session.connection())
    if current != heads:
        return CheckResult(
            "migrations", False, f"database at {sorted(current)}, code expects {sorted(heads)}"
        )
    return CheckResult("migrations", True, f"at head {sorted(heads)}")


def run(session: Session) -> list[CheckResult]:
    """Run every check; later checks are skipped when the database is unreachable."""
    first = _database(session)
    if not first.ok:
        return [first]
    return [first, _migrations(session), *(check(session) for check in _checks)]


# Domain checks register themselves on import (after `register` above exists).
import badge_issuer.keys.bootstrap  # noqa: E402, F401
