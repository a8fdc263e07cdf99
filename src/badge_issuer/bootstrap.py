"""Start-up in one place: the ordered first-start steps and the readiness checks.

`serve` runs the steps after migrations; `/health/ready` runs the checks. Both are plain lists,
so the order is read here rather than inferred from which modules happened to be imported.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from badge_issuer import readiness
from badge_issuer.awards import warming
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.keys import bootstrap as keys_bootstrap
from badge_issuer.readiness import CheckResult
from badge_issuer.skillmap import bootstrap as skillmap_bootstrap

BootstrapStep = Callable[[Session, Settings], None]
ReadinessCheck = Callable[[Session], CheckResult]

# Idempotent, in order: the default issuer with its first key (a skill map names issuers),
# then the configured skill map, then the credential shapes of its achievements (warm caches
# of this process: with one worker it is the process that serves).
STEPS: tuple[BootstrapStep, ...] = (
    keys_bootstrap.ensure_default_issuer_key,
    skillmap_bootstrap.load_configured_skill_map,
    warming.warm_current_map,
)

# The database comes first: when it is unreachable the others are not run.
READINESS_CHECKS: tuple[ReadinessCheck, ...] = (
    readiness.database,
    readiness.migrations,
    keys_bootstrap.signing_key_check,
)


def prepare(settings: Settings) -> None:
    """Run every step in one transaction; safe to repeat on every start."""
    engine = create_db_engine(settings.database_url)
    try:
        for session in session_scope(make_session_factory(engine)):
            for step in STEPS:
                step(session, settings)
    finally:
        engine.dispose()


def check_readiness(session: Session) -> list[CheckResult]:
    """Run the checks in order; stop after the first failing one when it is the database."""
    results: list[CheckResult] = []
    for check in READINESS_CHECKS:
        results.append(check(session))
        if check is readiness.database and not results[-1].ok:
            break
    return results
