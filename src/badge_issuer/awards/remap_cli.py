"""`badge-issuer skillmap impact|apply`: a map change reaches existing learners, on purpose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from badge_issuer.awards import remap
from badge_issuer.cli_support import open_session, say
from badge_issuer.config import get_settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.errors import NoSkillMap
from badge_issuer.skillmap.rulebook import RuleBook, compile_rules

FileOpt = Annotated[
    Path | None,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="A skill map to check."),
]
VersionOpt = Annotated[int | None, typer.Option(help="A stored version (default: current).")]


def _print_impact(result: remap.Impact) -> None:
    typer.echo(json.dumps(remap.impact_read(result).model_dump(), ensure_ascii=False, indent=2))


def impact(path: FileOpt = None, version: VersionOpt = None) -> None:
    """Report which learners would newly earn which badges under a map file or a stored
    version (default: the current one). Issues nothing."""
    with open_session() as session:
        book: RuleBook
        if path is not None:
            checked = skillmap_service.check(
                session, source=path.read_bytes(), allow_unknown_providers=True
            )
            if not checked.ok or checked.skill_map is None:
                for error in checked.errors:
                    typer.echo(f"{path}: {error}", err=True)
                raise typer.Exit(1)
            book = compile_rules(checked.skill_map)
        else:
            loaded = (
                skillmap_service.load_current(session)
                if version is None
                else skillmap_service.load_version(session, version)
            )
            if loaded is None:
                raise NoSkillMap("No such skill map version.")
            book = loaded.rules
        _print_impact(remap.impact(session, book=book, now=utc_now()))


def _emails(path: Path | None) -> list[str]:
    """Plain addresses, one a line, or JSON lines of the import format (learner.email)."""
    if path is None:
        return []
    found: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            record = json.loads(line)
            body = record.get("body", record)
            email = (body.get("learner") or {}).get("email")
            if isinstance(email, str):
                found.append(email)
        else:
            found.append(line)
    return found


def apply(
    version: VersionOpt = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Learners per batch.")] = 200,
    emails: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="Emails of learners not stored: one a line, or the import's JSON lines.",
        ),
    ] = None,
) -> None:
    """Apply the current skill map version to every learner: issue what they newly meet through
    the normal award path, one committed batch at a time (rerun to resume). Never revokes."""
    settings = get_settings()
    addresses = _emails(emails)
    with open_session(settings) as session:
        current = skillmap_service.load_current(session)
        if current is None:
            raise NoSkillMap("No skill map has been loaded yet.")
        run = remap.start_apply(
            session, version_id=version or current.version_id, actor="cli", now=utc_now()
        )
        run_id = run.id
        by_learner = remap.emails_by_learner(session, addresses, settings=settings)
    say(f"apply run {run_id}: skill map version {version or current.version_id}")
    while True:
        with open_session(settings) as session:  # one transaction per batch
            run = remap.apply_batch(
                session,
                run_id=run_id,
                actor="cli",
                settings=settings,
                now=utc_now(),
                emails=by_learner,
                batch=batch,
            )
            state, line = (
                run.state,
                (
                    f"{run.learners_done}/{run.learners_total} learners, "
                    f"{run.credentials_issued} credentials to {run.learners_awarded} learners, "
                    f"{run.learners_deferred} deferred (no email)"
                ),
            )
        say(line)
        if state != "running":
            break
    typer.echo(f"apply run {run_id} {state}: {line}")
