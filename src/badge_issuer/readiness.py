"""Readiness checks of the service itself: the database answers, migrations are at head.

Domains provide their own checks; `bootstrap.READINESS_CHECKS` lists them all in order.
"""

from __future__ import annotations

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


def database(session: Session) -> CheckResult:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return CheckResult("database", False, f"unreachable ({type(exc).__name__})")
    return CheckResult("database", True, "reachable")


def migrations(session: Session) -> CheckResult:
    heads = migrate.head_revisions()
    current = migrate.current_revisions(session.connection())
    if current != heads:
        return CheckResult(
            "migrations", False, f"database at {sorted(current)}, code expects {sorted(heads)}"
        )
    return CheckResult("migrations", True, f"at head {sorted(heads)}")
