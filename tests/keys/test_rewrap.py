"""`badge-issuer keys rewrap NEW_FILE`: every secret moves to the new KEK, atomically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.issuers import service as issuer_service
from badge_issuer.keys import kek as kek_module
from badge_issuer.keys import service as key_service
from badge_issuer.keys.bootstrap import ensure_default_issuer_key
from badge_issuer.keys.errors import KeyUnavailable
from badge_issuer.keys.models import SigningKey
from badge_issuer.kit.clock import utc_now
from badge_issuer.providers import webhook_secrets
from badge_issuer.providers.models import Provider, ProviderSecret

SECRET = "whsec_" + "QUJD" * 11


def _rewrap(settings: Settings, new_file: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "BADGE_ISSUER_DATABASE_URL": settings.database_url,
        "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE": str(settings.key_encryption_key_file),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "badge_issuer", "keys", "rewrap", str(new_file)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _sign_with(settings: Settings) -> bytes:
    """Sign a message with the default issuer's active key under the given settings' KEK."""
    engine = create_db_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            issuer = issuer_service.get_issuer(session, "default")
            _key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
            return signer.sign(b"rewrap test")
    finally:
        engine.dispose()


def _provider_secret(settings: Settings) -> str:
    engine = create_db_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            row = session.scalars(select(ProviderSecret)).one()
            kek = key_service.get_kek(settings)
            return webhook_secrets.unwrap(
                kek, row.wrapped_secret, provider_id=row.provider_id, secret_row_id=row.id
            )
    finally:
        engine.dispose()


@pytest.fixture
def populated(app: FastAPI, settings: Settings) -> None:
    """The default issuer with its key, a staged second key and one provider secret."""
    now = utc_now()
    for session in session_scope(app.state.session_factory):
        ensure_default_issuer_key(session, settings)
        issuer = issuer_service.get_issuer(session, "default")
        key_service.create_key(session, issuer=issuer, settings=settings, actor="t", now=now)
        session.add(Provider(id="jmooc", name="JMOOC", created_at=now, updated_at=now))
        secret = ProviderSecret(
            provider_id="jmooc", wrapped_secret=b"", kek_fingerprint="", created_at=now
        )
        session.add(secret)
        session.flush()
        kek = key_service.get_kek(settings)
        secret.wrapped_secret = webhook_secrets.wrap(
            kek, SECRET, provider_id="jmooc", secret_row_id=secret.id
        )
        secret.kek_fingerprint = kek.fingerprint


class TestRewrapCommand:
    def test_signing_works_with_the_new_kek_and_fails_with_the_old(
        self, populated: None, settings: Settings, tmp_path: Path
    ) -> None:
        new_file = tmp_path / "next" / "master.key"
        result = _rewrap(settings, new_file)
        assert result.returncode == 0, result.stderr
        assert "re-wrapped 2 signing key(s) and 1 provider secret(s)" in result.stderr
        assert "BADGE_ISSUER_KEY_ENCRYPTION_KEY_FILE" in result.stderr
        assert result.stdout == ""
        assert new_file.stat().st_mode & 0o777 == 0o600
        moved = settings.model_copy(update={"key_encryption_key_file": new_file})
        assert len(_sign_with(moved)) == 64
        assert _provider_secret(moved) == SECRET
        with pytest.raises(KeyUnavailable):
            _sign_with(settings)

    def test_fingerprints_follow_the_new_kek(
        self, populated: None, settings: Settings, tmp_path: Path
    ) -> None:
        new_file = tmp_path / "next.key"
        new_kek = kek_module.create(new_file)
        assert _rewrap(settings, new_file).returncode == 0
        engine = create_db_engine(settings.database_url)
        try:
            with make_session_factory(engine)() as session:
                prints = set(session.scalars(select(SigningKey.kek_fingerprint)).all())
                prints |= set(session.scalars(select(ProviderSecret.kek_fingerprint)).all())
        finally:
            engine.dispose()
        assert prints == {new_kek.fingerprint}

    def test_refuses_the_kek_in_use(self, populated: None, settings: Settings) -> None:
        result = _rewrap(settings, settings.key_encryption_key_file)
        assert result.returncode == 1
        assert "already in use" in result.stderr

    def test_a_row_that_does_not_open_changes_nothing(
        self, populated: None, settings: Settings, tmp_path: Path
    ) -> None:
        engine = create_db_engine(settings.database_url)
        try:
            for session in session_scope(make_session_factory(engine)):
                row = session.scalars(select(ProviderSecret)).one()
                row.wrapped_secret = row.wrapped_secret[:-1] + bytes([row.wrapped_secret[-1] ^ 1])
        finally:
            engine.dispose()
        result = _rewrap(settings, tmp_path / "next.key")
        assert result.returncode == 1
        assert "nothing was changed" in result.stderr
        assert "provider 'jmooc'" in result.stderr
        assert len(_sign_with(settings)) == 64
