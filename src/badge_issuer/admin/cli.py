"""`badge-issuer token …`: create, list and revoke admin tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from badge_issuer.admin import service
from badge_issuer.admin.scopes import Scope
from badge_issuer.cli_support import open_session, say
from badge_issuer.kit.clock import utc_now

app = typer.Typer(no_args_is_help=True, help="Admin bearer tokens.")


@app.command("create")
def create(
    scope: Annotated[list[Scope], typer.Option("--scope", help="Scope to grant (repeatable).")],
    name: Annotated[str, typer.Option(help="Who holds it; recorded in the audit log.")] = "admin",
) -> None:
    """Create a token; it is printed once, alone on the last line of stdout."""
    with open_session() as session:
        record, token = service.create_token(session, name=name, scopes=scope, now=utc_now())
        say(f"created admin token {record.id} ({name}) with scopes {', '.join(record.scopes)}")
    typer.echo(token)


@app.command("list")
def list_tokens() -> None:
    """List tokens (never the tokens themselves)."""
    with open_session() as session:
        for record in service.list_tokens(session):
            state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
            typer.echo(f"{record.id}\t{record.name}\t{','.join(record.scopes)}\t{state}")


@app.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(help="Token id from `token list`.")]) -> None:
    """Revoke a token: it stops working at once."""
    with open_session() as session:
        service.revoke_token(session, token_id=token_id, now=utc_now())
    say(f"revoked admin token {token_id}")
