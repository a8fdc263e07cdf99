"""The `badge-issuer` command line: serve, migrations, OpenAPI export, and domain commands."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from badge_issuer import cli_errors, kek_rotation, migrate
from badge_issuer.admin import cli as token_cli
from badge_issuer.awards import remap_cli
from badge_issuer.cli_support import say
from badge_issuer.config import get_settings
from badge_issuer.continuity import cli as continuity_cli
from badge_issuer.intake import cli as import_cli
from badge_issuer.metrics.serving import start_metrics
from badge_issuer.notifications import cli as outbox_cli
from badge_issuer.providers import cli as provider_cli
from badge_issuer.skillmap import cli as skillmap_cli

app = typer.Typer(no_args_is_help=True, help="Open Badges 3.0 issuing service.")
db_app = typer.Typer(no_args_is_help=True, help="Database migrations.")
app.add_typer(db_app, name="db")
# Domain command groups: one line each.
app.add_typer(token_cli.app, name="token")
app.add_typer(skillmap_cli.app, name="skillmap")
skillmap_cli.app.command("impact")(remap_cli.impact)
skillmap_cli.app.command("apply")(remap_cli.apply)
app.add_typer(kek_rotation.app, name="keys")
app.add_typer(provider_cli.app, name="provider")
app.add_typer(import_cli.app, name="import")
app.command("worker")(outbox_cli.worker)
app.add_typer(continuity_cli.archive_app, name="archive")
app.command()(continuity_cli.backup)
app.command()(continuity_cli.restore)
db_app.command("copy")(continuity_cli.db_copy)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Apply pending migrations, prepare the default issuer, then serve HTTP."""
    from badge_issuer import bootstrap, serving
    from badge_issuer.kit.logging import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    migrate.upgrade(settings.database_url)
    bootstrap.prepare(settings)
    if settings.metrics_enabled:
        start_metrics(settings, workers=workers)
    serving.run(host=host, port=port, workers=workers, settings=settings)


@app.command()
def openapi() -> None:
    """Print the OpenAPI document (the committed openapi/openapi.json must equal it)."""
    from badge_issuer.openapi_export import openapi_json

    sys.stdout.write(openapi_json())


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(get_settings().database_url, revision)
    say(f"database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (e.g. `base`)."""
    migrate.downgrade(get_settings().database_url, revision)
    say(f"database downgraded to {revision}")


def main() -> None:
    """The `badge-issuer` entry point: every error is one line and exit code 2 or 1."""
    cli_errors.run(app)
