"""Private keys never leave keys/: not in answers, logs or errors; a database dump cannot sign."""

from __future__ import annotations

import base64
import logging
import sqlite3
from pathlib import Path

import pytest
import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update

from badge_issuer.admin.scopes import Scope
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory, session_scope
from badge_issuer.issuers import service as issuer_service
from badge_issuer.keys import service as key_service
from badge_issuer.keys.bootstrap import ensure_default_issuer_key
from badge_issuer.keys.errors import KeyUnavailable
from badge_issuer.keys.models import SigningKey
from badge_issuer.kit.clock import utc_now
from badge_issuer.kit.logging import configure_logging
from badge_issuer.main import create_app
from tests.admin.factories import bearer, make_token
from tests.keys.factories import issue_test_credential
from tests.keys.secret_forms import find_leaks, leak_forms, seed_of

SLUG = "otaru"


def _run_lifecycle(app: FastAPI, client: TestClient, settings: Settings, token: str) -> str:
    """Drive every admin route once, errors included; return the text of every answer."""
    answers: list[Response] = []

    def call(method: str, path: str, **kwargs: object) -> Response:
        response = client.request(method, path, headers=bearer(token), **kwargs)  # type: ignore[arg-type]
        answers.append(response)
        return response

    keys = f"/v1/admin/issuers/{SLUG}/keys"
    call("POST", "/v1/admin/issuers", json={"slug": SLUG, "name": "小樽市"})
    call("PATCH", f"/v1/admin/issuers/{SLUG}", json={"url": "https://www.city.otaru.example/"})
    call("GET", "/v1/admin/issuers")
    first = call("POST", keys).json()["key_id"]
    call("POST", f"{keys}/{first}/activate")
    for session in session_scope(app.state.session_factory):
        issuer = issuer_service.get_issuer(session, SLUG)
        issue_test_credential(session, issuer=issuer, settings=settings, now=utc_now())
    second = call("POST", keys).json()["key_id"]
    call("POST", f"{keys}/{second}/activate")
    call("POST", f"{keys}/{first}/revoke", json={"reason": "laptop stolen"})
    call("POST", f"{keys}/{first}/activate")  # 409: revoked
    call("POST", f"{keys}/{first}/resign", params={"batch_size": 1})
    call("POST", f"{keys}/{second}/resign")  # 409: the active key
    call("POST", f"{keys}/key-missing/retire")  # 404
    call("POST", f"{keys}/{second}/revoke", json={"reason": ""})  # 422
    call("GET", keys)
    answers.append(client.get(f"/issuers/{SLUG}"))
    answers.append(client.get(f"/issuers/{SLUG}/did.json"))
    answers.append(client.get("/health/ready"))
    return "\n".join(f"{r.status_code} {dict(r.headers)} {r.text}" for r in answers)


def _stored_seeds(app: FastAPI, settings: Settings) -> dict[str, bytes]:
    for session in session_scope(app.state.session_factory):
        keys = session.scalars(select(SigningKey)).all()
        seeds = {key.key_id: seed_of(session, key, settings) for key in keys}
    kek_text = settings.key_encryption_key_file.read_bytes().strip()
    return {**seeds, "kek": base64.b64decode(kek_text)}


class TestLeakScanner:
    @pytest.mark.parametrize("form", sorted(leak_forms(bytes(range(32)))))
    def test_finds_each_form_in_text(self, form: str) -> None:
        assert find_leaks(f"before {form} after", {"seed": bytes(range(32))}) != []


class TestNoKeyMaterialInAnswersOrLogs:
    def test_full_lifecycle_leaks_no_key_or_token(
        self,
        app: FastAPI,
        client: TestClient,
        settings: Settings,
        capfd: pytest.CaptureFixture[str],
    ) -> None:
        token = make_token(app, Scope.KEYS, Scope.ISSUERS)
        configure_logging(level="DEBUG", json=True)
        try:
            for session in session_scope(app.state.session_factory):
                ensure_default_issuer_key(session, settings)
            answers = _run_lifecycle(app, client, settings, token)
            logs = capfd.readouterr().err
        finally:
            logging.getLogger().handlers.clear()
            structlog.reset_defaults()
        assert '"event": "key.activate"' in logs
        assert '"event": "key.resign"' in logs
        for status in ("404", "409", "422"):
            assert f"\n{status} " in "\n" + answers
        secrets = _stored_seeds(app, settings)
        assert len(secrets) == 4  # default issuer's key, two keys of otaru, the KEK
        assert find_leaks(answers, secrets) == []
        assert find_leaks(logs, secrets) == []
        assert token not in answers
        assert token not in logs

    def test_reprs_show_no_key_material(self, app: FastAPI, settings: Settings) -> None:
        for session in session_scope(app.state.session_factory):
            ensure_default_issuer_key(session, settings)
            issuer = issuer_service.get_issuer(session, "default")
            key, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
            seed = seed_of(session, key, settings)
            text = " ".join([repr(key), str(key), repr(signer), str(signer)])
            text += repr(key_service.get_kek(settings))
        assert find_leaks(text, {"seed": seed}) == []
        assert key.wrapped_private_key.hex() not in text


class TestDatabaseDumpAlone:
    @pytest.fixture
    def default_key(self, app: FastAPI, settings: Settings) -> tuple[SigningKey, bytes]:
        for session in session_scope(app.state.session_factory):
            ensure_default_issuer_key(session, settings)
            key = session.scalars(select(SigningKey)).one()
            seed = seed_of(session, key, settings)
        return key, seed

    def test_wrapped_key_does_not_contain_the_seed(
        self, default_key: tuple[SigningKey, bytes]
    ) -> None:
        key, seed = default_key
        assert seed not in key.wrapped_private_key
        assert seed.hex() not in key.wrapped_private_key.hex()
        assert len(key.wrapped_private_key) == 1 + 12 + 32 + 16

    def test_copied_database_with_another_kek_cannot_sign(
        self,
        default_key: tuple[SigningKey, bytes],
        settings: Settings,
        db_backend: str,
        tmp_path: Path,
    ) -> None:
        if db_backend != "sqlite":
            pytest.skip("copies the SQLite file; the PostgreSQL variant adds nothing here")
        stolen = tmp_path / "stolen" / "copy.db"
        stolen.parent.mkdir()
        # The online backup API copies committed pages still in the WAL too, as a dump would.
        source = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
        target = sqlite3.connect(stolen)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        thief = settings.model_copy(
            update={
                "database_url": f"sqlite:///{stolen}",
                "key_encryption_key_file": tmp_path / "stolen" / "guessed.key",
            }
        )
        engine = create_db_engine(thief.database_url)
        try:
            with make_session_factory(engine)() as session:
                issuer = issuer_service.get_issuer(session, "default")
                with pytest.raises(KeyUnavailable) as caught:
                    key_service.active_signer(session, issuer=issuer, settings=thief)
        finally:
            engine.dispose()
        message = caught.value.detail
        assert "does not open under this key-encryption key" in message
        assert f"wrapped under KEK {default_key[0].kek_fingerprint}" in message
        assert find_leaks(message, {"seed": default_key[1]}) == []

    def test_key_moved_to_another_row_does_not_open(
        self, app: FastAPI, client: TestClient, settings: Settings
    ) -> None:
        token = make_token(app, Scope.KEYS)
        for session in session_scope(app.state.session_factory):
            ensure_default_issuer_key(session, settings)
        other = client.post("/v1/admin/issuers/default/keys", headers=bearer(token)).json()
        for session in session_scope(app.state.session_factory):
            active = session.scalars(select(SigningKey).where(SigningKey.state == "active")).one()
            session.execute(
                update(SigningKey)
                .where(SigningKey.key_id == other["key_id"])
                .values(wrapped_private_key=active.wrapped_private_key)
            )
        client.post(
            f"/v1/admin/issuers/default/keys/{other['key_id']}/activate", headers=bearer(token)
        )
        for session in session_scope(app.state.session_factory):
            issuer = issuer_service.get_issuer(session, "default")
            with pytest.raises(KeyUnavailable):
                key_service.active_signer(session, issuer=issuer, settings=settings)


class TestUnavailableKeyAnswer:
    def test_resign_with_a_wrong_kek_is_a_503_problem_without_secrets(
        self, app: FastAPI, settings: Settings, tmp_path: Path
    ) -> None:
        for session in session_scope(app.state.session_factory):
            ensure_default_issuer_key(session, settings)
        token = make_token(app, Scope.KEYS)
        wrong = settings.model_copy(update={"key_encryption_key_file": tmp_path / "wrong.key"})
        other_app = create_app(wrong)
        try:
            with TestClient(other_app) as client:
                key_id = client.post(
                    "/v1/admin/issuers/default/keys", headers=bearer(token)
                ).json()["key_id"]
                response = client.post(
                    f"/v1/admin/issuers/default/keys/{key_id}/resign", headers=bearer(token)
                )
        finally:
            other_app.state.engine.dispose()
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "signing-key-unavailable" in response.json()["type"]
