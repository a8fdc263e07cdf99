"""`badge-issuer import completions FILE --provider ID`: streamed, resumable bulk import."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from badge_issuer import migrate
from badge_issuer.cli_support import say
from badge_issuer.config import Settings, get_settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.intake import import_state, importer
from badge_issuer.intake.importer import ImportFormat, ImportTally
from badge_issuer.kit.clock import utc_now
from badge_issuer.problems import ProblemError
from badge_issuer.providers.errors import UnreadableImport

app = typer.Typer(no_args_is_help=True, help="Bulk imports.")

# Signing is about half of an imported row's CPU. The importer waits (idle) for a batch's
# signatures before writing it, so one worker per CPU; none on a single CPU.
_CPUS = os.cpu_count() or 1
DEFAULT_SIGN_WORKERS = min(_CPUS, 4) if _CPUS > 1 else 0

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _guess_format(path: Path) -> ImportFormat:
    return ImportFormat.CSV if path.suffix.lower() == ".csv" else ImportFormat.JSONL


def _lines(
    handle: TextIO, progress: Progress, task: TaskID, *, skip_to: int, keep_header: bool
) -> Iterator[str]:
    """Yield lines, advancing the bar by their size; lines up to `skip_to` are blanked."""
    for number, line in enumerate(handle, start=1):
        progress.advance(task, len(line.encode("utf-8")))
        # Blank lines keep line numbers in place and are skipped as empty rows.
        keep = number > skip_to or (keep_header and number == 1)
        yield line if keep else "\n"


def _print_summary(tally: ImportTally) -> None:
    typer.echo(f"accepted\t{tally.accepted}")
    typer.echo(f"duplicates\t{tally.duplicates}")
    typer.echo(f"rejected\t{tally.rejected}")
    for rejection in tally.rejections:
        typer.echo(f"line {rejection.line}\t{rejection.reason}")
    if tally.rejected > len(tally.rejections):
        typer.echo(f"({tally.rejected - len(tally.rejections)} more rejections not listed)")


def _check_provider(settings: Settings, provider_id: str) -> None:
    engine = create_db_engine(settings.database_url)
    try:
        for session in session_scope(make_session_factory(engine)):
            importer.require_active_provider(session, provider_id=provider_id)
    finally:
        engine.dispose()


@app.command("completions")
def completions(
    path: FileArg,
    provider: Annotated[str, typer.Option("--provider", help="The provider the rows come from.")],
    fmt: Annotated[
        ImportFormat | None, typer.Option("--format", help="Default: by extension (.csv or JSONL).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per commit.")] = 200,
    restart: Annotated[bool, typer.Option(help="Ignore saved progress; start at line 1.")] = False,
    sign_workers: Annotated[
        int,
        typer.Option(
            min=0,
            max=16,
            help="Processes that sign the credentials while this one writes (0: sign here). "
            "Default: one per CPU (at most 4), none on a single CPU.",
        ),
    ] = DEFAULT_SIGN_WORKERS,
) -> None:
    """Import completions (CSV with a header, or JSON Lines of webhook bodies); resumable."""
    settings = get_settings()
    fmt = fmt or _guess_format(path)
    migrate.upgrade(settings.database_url)
    try:
        _check_provider(settings, provider)
        tally = _run(
            path,
            provider=provider,
            fmt=fmt,
            batch_size=batch_size,
            restart=restart,
            settings=settings,
            sign_workers=sign_workers,
        )
    except ProblemError as exc:
        say(f"error: {exc.detail}")
        raise typer.Exit(1) from None
    _print_summary(tally)
    if tally.rejected:
        raise typer.Exit(1)


def _starting_state(
    path: Path, *, provider: str, fmt: ImportFormat, restart: bool
) -> import_state.ImportState:
    """The saved progress of this file, or a fresh start."""
    state_file = import_state.state_path(path)
    print_ = import_state.fingerprint(path)
    saved = (
        None
        if restart
        else import_state.load_state(state_file, provider_id=provider, fmt=fmt, print_=print_)
    )
    if saved:
        say(f"resuming after line {saved.committed_line} ({state_file})")
        return saved
    return import_state.ImportState(provider, fmt, print_, 0, ImportTally())


def _run(
    path: Path,
    *,
    provider: str,
    fmt: ImportFormat,
    batch_size: int,
    restart: bool,
    settings: Settings,
    sign_workers: int,
) -> ImportTally:
    state_file = import_state.state_path(path)
    state = _starting_state(path, provider=provider, fmt=fmt, restart=restart)

    def committed(line: int) -> None:
        state.committed_line = line
        state.save(state_file)

    engine = create_db_engine(settings.database_url)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn())
    try:
        with (
            Progress(*columns, console=Console(stderr=True)) as progress,
            path.open(encoding="utf-8-sig", newline="") as handle,
        ):
            task = progress.add_task(f"importing {path.name}", total=path.stat().st_size)
            keep_header = fmt is ImportFormat.CSV
            lines = _lines(
                handle, progress, task, skip_to=state.committed_line, keep_header=keep_header
            )
            importer.import_in_batches(
                make_session_factory(engine),
                provider_id=provider,
                rows=importer.parse_rows(lines, fmt),
                batch_size=batch_size,
                settings=settings,
                clock=utc_now,
                tally=state.tally,
                on_commit=committed,
                sign_workers=sign_workers,
            )
    except UnicodeDecodeError as exc:
        raise UnreadableImport(f"{path} is not UTF-8 text ({exc.reason}).") from None
    finally:
        engine.dispose()
    state_file.unlink(missing_ok=True)
    return state.tally
