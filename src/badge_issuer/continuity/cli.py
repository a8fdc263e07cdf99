"""CLI: `backup`, `restore`, `db copy` and `archive export` (one-line errors, exit status 1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from badge_issuer.cli_support import say
from badge_issuer.config import get_settings
from badge_issuer.continuity.archive import export_archive
from badge_issuer.continuity.backup import create_backup
from badge_issuer.continuity.checks import CheckResult
from badge_issuer.continuity.dbcopy import copy_database
from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.continuity.restore import restore_backup
from badge_issuer.keys.kek import KeyEncryptionKeyError
from badge_issuer.kit.clock import utc_now

archive_app = typer.Typer(no_args_is_help=True, help="Static archive of the public documents.")


@contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except (ContinuityError, KeyEncryptionKeyError) as error:
        say(f"error: {error}")
        raise typer.Exit(1) from None


def _report(checks: CheckResult) -> None:
    say(checks.summary())
    for failure in checks.failures:
        say(f"  failed: {failure}")
    if not checks.ok:
        raise typer.Exit(1)


def backup(file: Annotated[Path, typer.Argument(help="The backup file to write (new).")]) -> None:
    """Write an online, consistent snapshot of the database with a manifest (never the KEK)."""
    with _one_line_errors():
        manifest = create_backup(get_settings(), file, now=utc_now())
    rows = sum(manifest.row_counts.values())
    say(
        f"backup of the {manifest.backend} database at schema {manifest.schema_revision}: "
        f"{rows} rows, {manifest.payload_bytes} bytes; keep the key-encryption key "
        f"(fingerprint {manifest.kek_fingerprint}) apart from it"
    )
    typer.echo(str(file))


def restore(file: Annotated[Path, typer.Argument(help="A file written by `backup`.")]) -> None:
    """Restore a backup into an empty database, then verify every credential and key."""
    with _one_line_errors():
        checks = restore_backup(get_settings(), file, now=utc_now())
    _report(checks)


def db_copy(
    to: Annotated[str, typer.Option("--to", help="The empty target database URL.")],
) -> None:
    """Copy every table into an empty database (all or nothing), then verify every credential."""
    progress: Callable[[str], None] = say
    with _one_line_errors():
        result = copy_database(get_settings(), to, now=utc_now(), progress=progress)
    say(f"copied {sum(result.row_counts.values())} rows in {len(result.row_counts)} tables")
    _report(result.checks)


@archive_app.command("export")
def archive_export(
    directory: Annotated[Path, typer.Argument(help="The folder to write (updated in place).")],
    origin: Annotated[
        str | None, typer.Option(help="A previous origin to export as (default: PUBLIC_URL).")
    ] = None,
) -> None:
    """Write every public document as static files under the paths of their URLs."""
    with _one_line_errors():
        result = export_archive(get_settings(), directory, origin=origin)
    say(result.summary())
