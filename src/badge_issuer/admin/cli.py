"""`badge-issuer token …`: create, list and revoke admin tokens."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from badge_issuer.admin import service
from badge_issuer.admin.models import AdminToken
from badge_issuer.admin.scopes import Scope
from badge_issuer.cli_support import open_session, say
from badge_issuer.kit.clock import utc_now

app = typer.Typer(no_args_is_help=True, help="Admin bearer tokens.")


def _cli_actor() -> str:
    """The audit actor of a command line action: the operating-system user who ran it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@app.command("create")
def create(
    scope: Annotated[list[Scope], typer.Option("--scope", help="Scope to grant (repeatable).")],
    name: Annotated[str, typer.Option(help="Who holds it; recorded in the audit log.")] = "admin",
    issuer: Annotated[
        list[str] | None,
        typer.Option("--issuer", help="Bind the token to this issuer's slug (repeatable)."),
    ] = None,
    expires_in: Annotated[
        int | None, typer.Option("--expires-in", help="Days until the token stops working.")
    ] = None,
) -> None:
    """Create a token; it is printed once, alone on the last line of stdout."""
    # Problems (unknown issuer, bad expiry) are reported by the CLI's error handler.
    with open_session() as session:
        record, token = service.create_token(
            session,
            name=name,
            scopes=scope,
            issuers=issuer or None,
            expires_in_days=expires_in,
            now=utc_now(),
            actor=_cli_actor(),
        )
        say(f"created admin token {record.id} ({name}): {_describe(record)}")
    typer.echo(token)


def _describe(record: AdminToken) -> str:
    bound = ", ".join(record.issuers) if record.issuers is not None else "all issuers"
    expires = f"until {record.expires_at:%Y-%m-%d %H:%M} UTC" if record.expires_at else "no expiry"
    return f"scopes {', '.join(record.scopes)}; issuers {bound}; {expires}"


@app.command("list")
def list_tokens() -> None:
    """List tokens: id, name, scopes, issuers, expiry and state (never the tokens themselves)."""
    now = utc_now()
    with open_session() as session:
        for record in service.list_tokens(session):
            if record.revoked_at:
                state = f"revoked {record.revoked_at:%Y-%m-%d}"
            elif service.expired(record, now):
                state = "expired"
            else:
                state = "active"
            issuers = ",".join(record.issuers) if record.issuers is not None else "*"
            expires = f"{record.expires_at:%Y-%m-%dT%H:%MZ}" if record.expires_at else "-"
            scopes = ",".join(record.scopes)
            typer.echo(f"{record.id}\t{record.name}\t{scopes}\t{issuers}\t{expires}\t{state}")


@app.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(help="Token id from `token list`.")]) -> None:
    """Revoke a token: it stops working at once."""
    with open_session() as session:
        service.revoke_token(session, token_id=token_id, now=utc_now(), actor=_cli_actor())
    say(f"revoked admin token {token_id}")
