"""Endorsements (CONTRACT section 12): signed, served, valid, verified, revocable, carried."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from tests.admin.factories import bearer, make_token
from tests.harness import Harness
from tests.shared_data import shared_path

PREFECTURE = "hokkaido-pref"
ACHIEVEMENT = "dx-literacy-bronze"  # the `default` issuer's, in the example map
ENDORSEMENTS = "/v1/admin/endorsements"
COMMENT = "北海道は、このバッジを道内DX人材育成の基礎として推薦します。"


def schema_validator(name: str) -> jsonschema.Draft201909Validator:
    path = shared_path("ob3-schemas", "1edtech-gh-pages", name)
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


@pytest.fixture
def prefecture(app: FastAPI, harness: Harness) -> dict[str, str]:
    """Create the prefecture's issuer; return a token bound to it with scope `endorsements`."""
    response = harness.client.post(
        "/v1/admin/issuers", json={"slug": PREFECTURE, "name": "北海道"}, headers=harness.admin
    )
    assert response.status_code == 201, response.text
    return bearer(make_token(app, Scope.ENDORSEMENTS, name="pref", issuers=[PREFECTURE]))


def endorse(client: TestClient, headers: dict[str, str], subject: dict[str, str]) -> Any:
    body = {"endorser": PREFECTURE, "subject": subject, "comment": COMMENT}
    response = client.post(ENDORSEMENTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def award(harness: Harness, email: str) -> dict[str, Any]:
    response = harness.client.post(
        "/v1/admin/credentials",
        json={"achievement_id": ACHIEVEMENT, "email": email, "narrative": "実務経験による認定"},
        headers=harness.admin,
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = harness.client.get(response.json()["url"]).json()
    return credential


class TestEndorsementCredential:
    def test_is_a_signed_ob3_endorsement_valid_against_the_1edtech_schema(
        self, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        created = endorse(client, prefecture, {"achievement_id": ACHIEVEMENT})
        assert set(created) == {"id", "url"}
        assert created["url"] == f"http://localhost:8000/endorsements/{created['id']}"
        response = client.get(f"/endorsements/{created['id']}")
        assert response.status_code == 200
        document = response.json()
        assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
        assert document["id"] == created["url"]
        assert document["issuer"]["id"] == f"did:web:localhost%3A8000:issuers:{PREFECTURE}"
        assert document["credentialSubject"] == {
            "id": f"http://localhost:8000/achievements/{ACHIEVEMENT}",
            "type": ["EndorsementSubject"],
            "endorsementComment": COMMENT,
        }
        assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
        [proof] = document["proof"]
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof["verificationMethod"].startswith(document["issuer"]["id"] + "#")
        errors = [
            e.message for e in schema_validator("endorsementcredential.json").iter_errors(document)
        ]
        assert errors == []

    def test_verifies_and_stops_verifying_once_revoked(
        self, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        created = endorse(client, prefecture, {"achievement_id": ACHIEVEMENT})
        document = client.get(f"/endorsements/{created['id']}").json()
        report = client.post("/verify", json=document).json()
        assert report["verified"] is True, report
        statuses = {check["check"]: check["status"] for check in report["checks"]}
        assert statuses["proof"] == "passed"
        assert statuses["revocation"] == "passed"
        revoked = client.post(
            f"{ENDORSEMENTS}/{created['id']}/revoke", json={"reason": "誤り"}, headers=prefecture
        )
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["revoked_at"] is not None
        report = client.post("/verify", json=document).json()
        assert report["verified"] is False
        statuses = {check["check"]: check["status"] for check in report["checks"]}
        assert statuses["revocation"] == "failed"

    def test_a_tampered_comment_fails_the_proof(
        self, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        created = endorse(client, prefecture, {"achievement_id": ACHIEVEMENT})
        document = client.get(f"/endorsements/{created['id']}").json()
        document["credentialSubject"]["endorsementComment"] = "推薦しません"
        report = client.post("/verify", json=document).json()
        assert report["verified"] is False


class TestEndorsedAchievement:
    def test_credentials_issued_afterwards_carry_the_endorsement(
        self, client: TestClient, prefecture: dict[str, str], harness: Harness
    ) -> None:
        before = award(harness, "before@example.jp")
        assert "endorsement" not in before["credentialSubject"]["achievement"]
        created = endorse(client, prefecture, {"achievement_id": ACHIEVEMENT})
        after = award(harness, "after@example.jp")
        [carried] = after["credentialSubject"]["achievement"]["endorsement"]
        assert carried == client.get(f"/endorsements/{created['id']}").json()
        assert client.post("/verify", json=after).json()["verified"] is True
        errors = schema_validator("achievementcredential.json").iter_errors(after)
        assert [e.message for e in errors] == []

    def test_the_catalog_shows_who_endorses_and_forgets_a_revoked_endorsement(
        self, client: TestClient, prefecture: dict[str, str], harness: Harness
    ) -> None:
        created = endorse(client, prefecture, {"achievement_id": ACHIEVEMENT})
        entry = client.get(f"/achievements/{ACHIEVEMENT}").json()
        [endorser] = entry["endorsed_by"]
        assert endorser["issuer"] == PREFECTURE
        assert endorser["name"] == "北海道"
        assert endorser["endorsement_url"] == created["url"]
        listed = {
            a["id"]: a["endorsed_by"] for a in client.get("/achievements").json()["achievements"]
        }
        assert [e["issuer"] for e in listed[ACHIEVEMENT]] == [PREFECTURE]
        assert listed["dx-case-silver"] == []
        client.post(
            f"{ENDORSEMENTS}/{created['id']}/revoke", json={"reason": "x"}, headers=prefecture
        )
        assert client.get(f"/achievements/{ACHIEVEMENT}").json()["endorsed_by"] == []
        later = award(harness, "later@example.jp")
        assert "endorsement" not in later["credentialSubject"]["achievement"]


class TestEndorsedIssuer:
    def test_the_issuers_profile_carries_it(
        self, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        created = endorse(client, prefecture, {"issuer": "default"})
        profile = client.get("/issuers/default").json()
        [carried] = profile["endorsement"]
        assert carried["id"] == created["url"]
        assert carried["credentialSubject"]["id"] == "did:web:localhost%3A8000:issuers:default"
        errors = schema_validator("profile.json").iter_errors(profile)
        assert [e.message for e in errors] == []
        assert "endorsement" not in client.get(f"/issuers/{PREFECTURE}").json()


class TestRefusals:
    def test_an_issuer_cannot_endorse_itself(
        self, app: FastAPI, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        body = {"endorser": PREFECTURE, "subject": {"issuer": PREFECTURE}, "comment": "自薦"}
        response = client.post(ENDORSEMENTS, json=body, headers=prefecture)
        assert response.status_code == 422

    def test_unknown_subjects_are_404(self, client: TestClient, prefecture: dict[str, str]) -> None:
        for subject in ({"achievement_id": "nope"}, {"issuer": "nowhere"}):
            body = {"endorser": PREFECTURE, "subject": subject, "comment": "x"}
            assert client.post(ENDORSEMENTS, json=body, headers=prefecture).status_code == 404

    def test_a_token_bound_elsewhere_cannot_endorse_for_the_prefecture(
        self, app: FastAPI, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        other = bearer(make_token(app, Scope.ENDORSEMENTS, issuers=["default"]))
        body = {"endorser": PREFECTURE, "subject": {"issuer": "default"}, "comment": "x"}
        response = client.post(ENDORSEMENTS, json=body, headers=other)
        assert response.status_code == 403
        assert client.get("/endorsements/00000000-0000-0000-0000-000000000000").status_code == 404


HTML = {"Accept": "text/html,application/xhtml+xml"}


class TestEndorsementPage:
    def test_a_browser_gets_the_page_and_a_client_the_signed_document(
        self, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        created = endorse(client, prefecture, {"achievement_id": ACHIEVEMENT})
        path = f"/endorsements/{created['id']}"
        document = client.get(path, headers={"Accept": "application/ld+json"})
        page = client.get(f"{path}?lang=en", headers=HTML)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        text = page.text
        assert "In force" in text
        assert COMMENT in text
        assert '<a href="/issuers/hokkaido-pref?lang=en">北海道</a>' in text
        assert f'<a href="/achievements/{ACHIEVEMENT}?lang=en">' in text
        assert f"{path}?format=json" in text
        # The JSON is untouched by the page, and ?format=json forces it for a browser.
        forced = client.get(f"{path}?format=json", headers=HTML)
        assert forced.content == document.content
        assert forced.headers["content-type"].startswith("application/json")

    def test_japanese_by_default_and_withdrawn_once_revoked(
        self, client: TestClient, prefecture: dict[str, str]
    ) -> None:
        created = endorse(client, prefecture, {"issuer": "default"})
        revoked = client.post(
            f"{ENDORSEMENTS}/{created['id']}/revoke", json={"reason": "見直し"}, headers=prefecture
        )
        assert revoked.status_code == 200, revoked.text
        page = client.get(f"/endorsements/{created['id']}", headers=HTML)
        assert page.status_code == 200
        assert '<html lang="ja"' in page.text
        assert "verdict-revoked" in page.text
        assert 'href="/issuers/default"' in page.text
        english = client.get(f"/endorsements/{created['id']}?lang=en", headers=HTML).text
        assert "Withdrawn on" in english
        assert "Endorsed issuer" in english

    def test_an_unknown_endorsement_is_the_404_page(self, client: TestClient) -> None:
        page = client.get("/endorsements/no-such-endorsement", headers=HTML)
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
