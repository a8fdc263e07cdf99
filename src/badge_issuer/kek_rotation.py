"""`badge-issuer keys rewrap`: move every stored secret to a new key-encryption key (KEK).

Each owner re-wraps its own secrets (signing keys in `keys`, webhook secrets in `providers`);
this module sits above both and runs them in one transaction: every row moves or none does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from badge_issuer.cli_support import open_session, say
from badge_issuer.config import get_settings
from badge_issuer.keys import kek
from badge_issuer.keys.kek import KeyEncryptionKey
from badge_issuer.keys.material import UnwrapFailed
from badge_issuer.keys.rewrap import rewrap_signing_keys
from badge_issuer.providers import webhook_secrets


@dataclass(frozen=True, slots=True)
class RewrapCounts:
    signing_keys: int
    provider_secrets: int


def rewrap_all(session: Session, *, old: KeyEncryptionKey, new: KeyEncryptionKey) -> RewrapCounts:
    """Move every wrapped secret from `old` to `new`; raise UnwrapFailed on the first that fails."""
    if old.fingerprint == new.fingerprint:
        raise ValueError("the new key-encryption key is the one in use")
    counts = RewrapCounts(
        signing_keys=rewrap_signing_keys(session, old=old, new=new),
        provider_secrets=webhook_secrets.rewrap_all(session, old=old, new=new),
    )
    session.flush()
    return counts


app = typer.Typer(no_args_is_help=True, help="Signing keys and the key-encryption key (KEK).")


@app.command("rewrap")
def rewrap(
    new_file: Annotated[
        Path,
        typer.Argument(help="KEK file to move to; created (mode 0600) if it does not exist."),
    ],
) -> None:
    """Re-wrap every signing key and provider secret under the KEK in NEW_FILE, atomically."""
    settings = get_settings()
    try:
        current = kek.load(settings.key_encryption_key_file)
        target = kek.load(new_file) if new_file.exists() else kek.create(new_file)
    except kek.KeyEncryptionKeyError as error:
        say(f"error: {error}")
        raise typer.Exit(1) from None
    if target.fingerprint == current.fingerprint:
        say(f"error: {new_file} holds the key-encryption key already in use")
        raise typer.Exit(1)
    try:
        with open_session(settings) as session:
            counts = rewrap_all(session, old=current, new=target)
    except UnwrapFailed as error:
        say(f"error: nothing was changed: {error}")
        raise typer.Exit(1) from None
    say(
        f"re-wrapped {counts.signing_keys} signing key(s) and {counts.provider_secrets} provider "
        f"secret(s) under KEK {target.fingerprint} (was {current.fingerprint})"
    )
    say(
        f"now set BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE={new_file.resolve()} and restart every "
        "process; keep the old file until all have restarted, then destroy it"
    )
