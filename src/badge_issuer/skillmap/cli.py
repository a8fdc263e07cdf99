"""`badge-issuer skillmap check|load FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from badge_issuer.cli_support import open_session, say
from badge_issuer.kit.clock import utc_now
from badge_issuer.skillmap import service
from badge_issuer.skillmap.validation import SkillMapCheck

app = typer.Typer(no_args_is_help=True, help="The skill map: courses, skills and badge rules.")

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
AllowUnknown = Annotated[bool, typer.Option(help="Accept courses of providers not yet registered.")]


def _checked(session: Session, path: Path, allow_unknown: bool) -> tuple[SkillMapCheck, bytes]:
    """Check the file; print every error with its path and exit 1 unless it is valid."""
    checked, source = service.check_file(
        session, path, what="skill map", allow_unknown_providers=allow_unknown
    )
    for error in checked.errors:
        typer.echo(f"{path}: {error}", err=True)
    if not checked.ok:
        say(f"{len(checked.errors)} error(s)")
        raise typer.Exit(1)
    return checked, source


@app.command("check")
def check(path: FileArg, allow_unknown_providers: AllowUnknown = False) -> None:
    """Validate a skill map file; print every error with its path (exit 1 on errors)."""
    with open_session() as session:
        checked, _ = _checked(session, path, allow_unknown_providers)
    say(f"{path}: valid (content hash {checked.content_hash})")


@app.command("load")
def load(path: FileArg, allow_unknown_providers: AllowUnknown = False) -> None:
    """Validate and store a skill map file as the new current version."""
    with open_session() as session:
        checked, source = _checked(session, path, allow_unknown_providers)
        version = service.store_file(
            session, checked=checked, source=source, created_by="cli", now=utc_now()
        )
        say(f"loaded {path} as skill map version {version.id} ({version.label})")
