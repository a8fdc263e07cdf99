"""`badge-issuer provider …`: register providers, rotate their webhook secrets, suspend them."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from badge_issuer.cli_support import open_session, say
from badge_issuer.config import get_settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.problems import ProblemError
from badge_issuer.providers import service
from badge_issuer.providers.models import ProviderStatus
from badge_issuer.providers.schemas import ProviderCreate, ProviderUpdate

app = typer.Typer(no_args_is_help=True, help="E-learning providers and their webhook secrets.")

CLI_ACTOR = "cli"
ProviderIdArg = Annotated[str, typer.Argument(help="The provider's id (slug).")]


def _fail(exc: ProblemError) -> typer.Exit:
    say(f"error: {exc.detail}")
    return typer.Exit(1)


@app.command("create")
def create(
    provider_id: Annotated[str, typer.Option("--id", help="Slug, e.g. manabi-portal.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    callback_url: Annotated[str | None, typer.Option(help="Where award callbacks go.")] = None,
) -> None:
    """Register a provider; its webhook secret is printed once, alone on the last stdout line."""
    try:
        data = ProviderCreate(id=provider_id, name=name, callback_url=callback_url)
    except ValueError as exc:
        say(f"error: {exc}")
        raise typer.Exit(2) from None
    settings = get_settings()
    try:
        with open_session(settings) as session:
            provider, secret = service.create_provider(
                session, data=data, actor=CLI_ACTOR, settings=settings, now=utc_now()
            )
    except ProblemError as exc:
        raise _fail(exc) from None
    say(f"created provider {provider.id} ({provider.name}); its webhook secret follows")
    typer.echo(secret)


@app.command("rotate-secret")
def rotate_secret(
    provider_id: ProviderIdArg,
    overlap_hours: Annotated[
        float, typer.Option(min=0, max=720, help="How long the old secret keeps verifying.")
    ] = 24,
) -> None:
    """Issue a new webhook secret (printed once, last stdout line); the old one verifies a while."""
    settings = get_settings()
    try:
        with open_session(settings) as session:
            secret, expire_at = service.rotate_secret(
                session,
                provider_id=provider_id,
                overlap=timedelta(hours=overlap_hours),
                actor=CLI_ACTOR,
                settings=settings,
                now=utc_now(),
            )
    except ProblemError as exc:
        raise _fail(exc) from None
    if expire_at is not None:
        say(f"previous secrets of {provider_id} verify until {expire_at.isoformat()}")
    say(f"new webhook secret of {provider_id} follows")
    typer.echo(secret)


def _set_status(provider_id: str, status: ProviderStatus) -> None:
    try:
        with open_session() as session:
            service.update_provider(
                session,
                provider_id=provider_id,
                changes=ProviderUpdate(status=status),
                actor=CLI_ACTOR,
                now=utc_now(),
            )
    except ProblemError as exc:
        raise _fail(exc) from None
    say(f"provider {provider_id} is now {status}")


@app.command("suspend")
def suspend(provider_id: ProviderIdArg) -> None:
    """Stop accepting webhooks from a provider (they answer 401)."""
    _set_status(provider_id, ProviderStatus.SUSPENDED)


@app.command("activate")
def activate(provider_id: ProviderIdArg) -> None:
    """Accept webhooks from a suspended provider again."""
    _set_status(provider_id, ProviderStatus.ACTIVE)


@app.command("list")
def list_providers() -> None:
    """List providers: id, status, name (never secrets)."""
    with open_session() as session:
        for provider in service.list_providers(session, limit=10_000):
            typer.echo(f"{provider.id}\t{provider.status}\t{provider.name}")
