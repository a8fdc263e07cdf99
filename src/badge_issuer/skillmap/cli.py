"""`badge-issuer skillmap check|load FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from badge_issuer.cli_support import open_session, say
from badge_issuer.kit.clock import utc_now
from badge_issuer.kit.files import read_bounded
from badge_issuer.skillmap import service
from badge_issuer.skillmap.source import DEFAULT_MAX_BYTES, SourceFormat
from badge_issuer.skillmap.validation import SkillMapCheck

app = typer.Typer(no_args_is_help=True, help="The skill map: courses, skills and badge rules.")

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
AllowUnknown = Annotated[bool, typer.Option(help="Accept courses of providers not yet registered.")]


def _format(path: Path) -> SourceFormat | None:
    return "json" if path.suffix.lower() == ".json" else None


def _read(path: Path) -> bytes:
    return read_bounded(path, max_bytes=DEFAULT_MAX_BYTES, what="skill map")


def _report(checked: SkillMapCheck, path: Path) -> None:
    for error in checked.errors:
        typer.echo(f"{path}: {error}", err=True)
    if not checked.ok:
        say(f"{len(checked.errors)} error(s)")
        raise typer.Exit(1)


@app.command("check")
def check(path: FileArg, allow_unknown_providers: AllowUnknown = False) -> None:
    """Validate a skill map file; print every error with its path (exit 1 on errors)."""
    with open_session() as session:
        checked = service.check(
            session,
            source=_read(path),
            fmt=_format(path),
            allow_unknown_providers=allow_unknown_providers,
        )
    _report(checked, path)
    say(f"{path}: valid (content hash {checked.content_hash})")


@app.command("load")
def load(path: FileArg, allow_unknown_providers: AllowUnknown = False) -> None:
    """Validate and store a skill map file as the new current version."""
    source = _read(path)
    with open_session() as session:
        checked = service.check(
            session,
            source=source,
            fmt=_format(path),
            allow_unknown_providers=allow_unknown_providers,
        )
        _report(checked, path)
        version = service.store_version(
            session,
            checked=checked,
            source_text=source.decode("utf-8", errors="replace"),
            created_by="cli",
            now=utc_now(),
        )
        say(f"loaded {path} as skill map version {version.id} ({version.label})")
