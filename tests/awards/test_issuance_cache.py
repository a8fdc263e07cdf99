"""The issuing configuration kept per process (`awards.issuance_cache`) follows every change.

Each change is committed by another request (another session) or written by another engine
with plain SQL (as another process or tool would); the next completion must use it. A
completion served from memory must not read the issuer, key, endorsements or providers again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from badge_issuer.admin.scopes import Scope
from badge_issuer.awards.issuance_cache import IssuanceConfig
from badge_issuer.config import Settings
from badge_issuer.db import make_session_factory, session_scope
from badge_issuer.kit.config_version import read_token
from tests.admin.factories import bearer, make_token
from tests.harness import Harness

ISSUER_URL = "/v1/admin/issuers/default"
ACHIEVEMENT = "dx-literacy-bronze"  # the `default` issuer's, in the example map


def _earn(harness: Harness, email: str) -> dict[str, Any]:
    """Earn the bronze badge (two courses) and return the credential as served."""
    for course, day in (("DXL-101", 1), ("SEC-120", 2)):
        body = {
            "learner": {"email": email, "region": "01-okhotsk"},
            "course_id": course,
            "completed_at": f"2026-10-{day:02d}T10:00:00+09:00",
        }
        response = harness.post_completion("manabi-portal", body)
        assert response.status_code == 201, response.text
    [award] = response.json()["awards"]
    path = award["credential_url"].removeprefix("http://localhost:8000")
    document: dict[str, Any] = harness.client.get(path).json()
    return document


def _verified(harness: Harness, document: dict[str, Any]) -> bool:
    return bool(harness.client.post("/verify", json=document).json()["verified"])


def _method(document: dict[str, Any]) -> str:
    method: str = document["proof"][0]["verificationMethod"]
    return method


def _endorse(app: FastAPI, harness: Harness) -> tuple[dict[str, Any], dict[str, str]]:
    """A new issuer `pref` endorses the bronze badge; the endorsement and pref's headers."""
    response = harness.client.post(
        "/v1/admin/issuers", json={"slug": "pref", "name": "Pref"}, headers=harness.admin
    )
    assert response.status_code == 201, response.text
    endorser = bearer(make_token(app, Scope.ENDORSEMENTS, name="pref", issuers=["pref"]))
    body = {"endorser": "pref", "subject": {"achievement_id": ACHIEVEMENT}, "comment": "Yes"}
    created = harness.client.post("/v1/admin/endorsements", json=body, headers=endorser)
    assert created.status_code == 201, created.text
    endorsement: dict[str, Any] = created.json()
    return endorsement, endorser


@pytest.fixture
def other_process(settings: Settings) -> Iterator[Engine]:
    """A second engine on the same database: writes that no code of this process makes."""
    engine = create_engine(settings.database_url)
    yield engine
    engine.dispose()


class TestChangesReachTheNextCompletion:
    def test_a_key_rotation_signs_the_next_credential_with_the_new_key(
        self, harness: Harness
    ) -> None:
        before = _earn(harness, "a@example.jp")
        keys = f"{ISSUER_URL}/keys"
        new_key = harness.client.post(keys, headers=harness.admin).json()["key_id"]
        response = harness.client.post(f"{keys}/{new_key}/activate", headers=harness.admin)
        assert response.status_code == 200, response.text
        after = _earn(harness, "b@example.jp")
        assert _method(before) != _method(after)
        assert _method(after).endswith(f"#{new_key}")
        assert _verified(harness, after)

    def test_an_issuer_profile_edit_shows_in_the_next_credential(self, harness: Harness) -> None:
        before = _earn(harness, "a@example.jp")
        response = harness.client.patch(
            ISSUER_URL, json={"name": "Renamed issuer"}, headers=harness.admin
        )
        assert response.status_code == 200, response.text
        after = _earn(harness, "b@example.jp")
        assert before["issuer"]["name"] != "Renamed issuer"
        assert after["issuer"]["name"] == "Renamed issuer"
        assert _verified(harness, after)

    def test_an_endorsement_and_its_revocation_show_in_the_next_credentials(
        self, app: FastAPI, harness: Harness
    ) -> None:
        plain = _earn(harness, "a@example.jp")["credentialSubject"]["achievement"]
        assert "endorsement" not in plain
        created, endorser = _endorse(app, harness)
        endorsed = _earn(harness, "b@example.jp")["credentialSubject"]["achievement"]
        assert [e["id"] for e in endorsed["endorsement"]] == [created["url"]]
        revoke = f"/v1/admin/endorsements/{created['id']}/revoke"
        response = harness.client.post(revoke, json={"reason": "x"}, headers=endorser)
        assert response.status_code == 200, response.text
        after = _earn(harness, "c@example.jp")["credentialSubject"]["achievement"]
        assert "endorsement" not in after

    def test_a_provider_renamed_by_another_process_is_named_in_the_next_evidence(
        self, harness: Harness, other_process: Engine
    ) -> None:
        _earn(harness, "a@example.jp")
        with other_process.begin() as connection:
            connection.execute(
                text("UPDATE provider SET name = 'Renamed LMS' WHERE id = 'manabi-portal'")
            )
        evidence = _earn(harness, "b@example.jp")["evidence"]
        assert all(item["narrative"].startswith("Renamed LMS:") for item in evidence)

    def test_an_issuer_edited_by_another_process_is_used_by_the_next_completion(
        self, harness: Harness, other_process: Engine
    ) -> None:
        _earn(harness, "a@example.jp")
        with other_process.begin() as connection:
            connection.execute(
                text("UPDATE issuer SET name = 'Edited elsewhere' WHERE slug = 'default'")
            )
        after = _earn(harness, "b@example.jp")
        assert after["issuer"]["name"] == "Edited elsewhere"


class TestConfigurationToken:
    @pytest.mark.parametrize("table", ["issuer", "signing_key", "endorsement", "provider"])
    def test_every_update_of_a_watched_table_changes_the_token(
        self, app: FastAPI, harness: Harness, other_process: Engine, table: str
    ) -> None:
        _endorse(app, harness)  # every watched table has a row now
        factory = make_session_factory(other_process)
        tokens = []
        for _ in range(2):
            for session in session_scope(factory):
                tokens.append(read_token(session))
            with other_process.begin() as connection:
                connection.execute(text(f"UPDATE {table} SET id = id"))  # noqa: S608 (a constant)
        for session in session_scope(factory):
            tokens.append(read_token(session))
        assert len(set(tokens)) == 3

    def test_an_insert_and_a_delete_change_the_token(
        self, harness: Harness, other_process: Engine
    ) -> None:
        factory = make_session_factory(other_process)
        insert = (
            "INSERT INTO provider (id, name, status, created_at, updated_at) "
            "VALUES ('tmp', 'Tmp', 'active', '2026-12-07 00:00:00', '2026-12-07 00:00:00')"
        )
        tokens = []
        for statement in (insert, "DELETE FROM provider WHERE id = 'tmp'"):
            for session in session_scope(factory):
                tokens.append(read_token(session))
            with other_process.begin() as connection:
                connection.execute(text(statement))
        for session in session_scope(factory):
            tokens.append(read_token(session))
        assert len(set(tokens)) == 3

    def test_a_rolled_back_token_is_never_taken_again(
        self, harness: Harness, other_process: Engine
    ) -> None:
        factory = make_session_factory(other_process)
        session = factory()
        session.execute(text("UPDATE issuer SET name = name || ' (draft)'"))
        rolled_back = read_token(session)
        session.rollback()
        session.close()
        for session in session_scope(factory):
            session.execute(text("UPDATE issuer SET name = name || ' (final)'"))
        for session in session_scope(factory):
            assert read_token(session) != rolled_back

    def test_a_second_completion_reads_no_configuration_but_the_token(
        self, app: FastAPI, harness: Harness
    ) -> None:
        _earn(harness, "a@example.jp")
        engine = app.state.engine
        statements: list[str] = []

        def record(*args: Any) -> None:
            statements.append(" ".join(str(args[2]).split()).lower())

        event.listen(engine, "before_cursor_execute", record)
        try:
            _earn(harness, "b@example.jp")
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert [s for s in statements if "from config_version" in s]
        assert not [s for s in statements if s.startswith(("savepoint", "release"))]
        for table in ("issuer", "signing_key", "endorsement"):
            assert not [s for s in statements if f" from {table} " in f"{s} "], table
        assert "select provider.id, provider.name from provider" not in statements

    def test_the_cache_serves_a_copy_that_no_session_tracks(
        self, app: FastAPI, harness: Harness, settings: Settings
    ) -> None:
        factory = app.state.session_factory
        for session in session_scope(factory):
            setup = IssuanceConfig.read(session, settings).issuer("default")
            session.rollback()  # expires every row the session holds
            assert setup.issuer.slug == "default"
            assert setup.signing_key.key_id
            assert setup.issuer not in session
