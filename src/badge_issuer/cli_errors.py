"""Run the CLI so that every failure is one line on stderr and an exit code, never a traceback.

Exit 2: the command was used wrongly (unknown option, value out of range, bad configuration,
unknown migration revision). Exit 1: the command was right but could not be carried out
(database read-only or unreachable, a token that does not exist, an invalid skill map).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer
from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from typer.exceptions import TyperException

from badge_issuer.config import SettingsError

PROGRAM = "badge-issuer"
USAGE = 2
RUNTIME = 1


def run(command: Callable[..., object]) -> None:
    """Call the Typer app in non-standalone mode and turn every error into one line."""
    try:
        result = command(standalone_mode=False)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except TyperException as exc:  # Typer's (vendored click) usage and option errors
        code = exc.exit_code
        _fail(f"usage error: {exc.format_message()}" if code == USAGE else str(exc), code)
    except typer.Abort:
        _fail("aborted", RUNTIME)
    except (SettingsError, CommandError) as exc:
        _fail(str(exc), USAGE)
    except Exception as exc:  # every other failure: named in one line, code 1
        _fail(describe(exc), RUNTIME)
    sys.exit(result if isinstance(result, int) else 0)


def describe(exc: BaseException) -> str:
    """Name what went wrong without internals: first line only, no SQL, no parameters."""
    if isinstance(exc, DBAPIError):
        reason = _first_line(str(exc.orig)) if exc.orig is not None else type(exc).__name__
        return f"the database refused the operation: {reason}"
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {_first_line(str(exc).split('(Background on', 1)[0])}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return _first_line(str(exc)) or type(exc).__name__


def _first_line(text: str) -> str:
    return " ".join(text.strip().splitlines()[:1]).strip()[:500]


def _fail(message: str, code: int) -> None:
    typer.echo(f"{PROGRAM}: {_first_line(message)}", err=True)
    sys.exit(code)
