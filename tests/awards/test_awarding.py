"""Awarding rules: direct awards, stacking, expiry, revocation, versions, schema validity."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from httpx import Response
from sqlalchemy import select

from badge_issuer.awards import flows
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.learners import service as learner_service
from tests.credentials.test_assembly import achievement_credential_validator
from tests.harness import Harness
from tests.shared_data import example_path

SATO = "sato.hanako@example.jp"


def _completion(
    email: str, course_id: str, day: int, score: int | None = None
) -> dict[str, object]:
    body: dict[str, object] = {
        "learner": {"email": email, "region": "01-okhotsk", "category": "worker-non-it"},
        "course_id": course_id,
        "completed_at": f"2026-10-{day:02d}T10:00:00+09:00",
    }
    if score is not None:
        body["score"] = score
    return body


def _earn_bronze(harness: Harness, email: str = SATO) -> dict[str, object]:
    harness.post_completion("manabi-portal", _completion(email, "DXL-101", 1, 88))
    response = harness.post_completion("manabi-portal", _completion(email, "SEC-120", 2, 91))
    assert response.status_code == 201, response.text
    awards = response.json()["awards"]
    assert [a["achievement_id"] for a in awards] == ["dx-literacy-bronze"]
    award: dict[str, object] = awards[0]
    return award


def _stored(harness: Harness, url: object) -> dict[str, object]:
    path = str(url).removeprefix("http://localhost:8000")
    document: dict[str, object] = harness.client.get(path).json()
    return document


class TestIssuedCredentials:
    def test_validates_against_the_1edtech_schema(self, harness: Harness) -> None:
        award = _earn_bronze(harness)
        validator = achievement_credential_validator()
        errors = sorted(validator.iter_errors(_stored(harness, award["credential_url"])), key=str)
        assert errors == []

    def test_contract_shape(self, harness: Harness) -> None:
        credential = _stored(harness, _earn_bronze(harness)["credential_url"])
        assert credential["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        issuer = credential["issuer"]
        assert isinstance(issuer, dict)
        assert issuer["id"] == "did:web:localhost%3A8000:issuers:default"
        subject = credential["credentialSubject"]
        assert isinstance(subject, dict)
        identity = subject["identifier"][0]
        assert identity["hashed"] is True
        assert identity["identityHash"].startswith("sha256$")
        assert SATO not in json.dumps(credential)
        assert subject["achievement"]["achievementType"] == "Badge"
        assert subject["achievement"]["alignment"]
        status = credential["credentialStatus"]
        assert isinstance(status, dict)
        assert status["statusPurpose"] == "revocation"
        proof = credential["proof"]
        assert isinstance(proof, list)
        assert proof[0]["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof[0]["verificationMethod"].startswith(str(issuer["id"]) + "#")
        assert credential["validUntil"] > credential["validFrom"]  # type: ignore[operator]

    def test_evidence_cites_each_completion(self, harness: Harness) -> None:
        credential = _stored(harness, _earn_bronze(harness)["credential_url"])
        evidence = credential["evidence"]
        assert isinstance(evidence, list)
        assert len(evidence) == 2
        assert "DXL-101" in evidence[0]["narrative"]
        assert "score 88" in evidence[0]["narrative"]

    def test_records_the_skill_map_version(self, harness: Harness) -> None:
        award = _earn_bronze(harness)
        current = harness.client.get("/v1/admin/skill-map", headers=harness.admin).json()
        for session in session_scope(harness.client.app.state.session_factory):
            row = session.scalars(select(Award).where(Award.uuid == award["credential_id"])).one()
            assert row.skill_map_version_id == current["id"]


class TestAwardOnce:
    def test_repeat_completion_with_another_webhook_id_never_awards_twice(
        self, harness: Harness
    ) -> None:
        _earn_bronze(harness)
        again = harness.post_completion("manabi-portal", _completion(SATO, "DATA-110", 3))
        assert again.status_code == 201
        assert again.json()["awards"] == []

    def test_expired_badge_may_be_earned_afresh(self, harness: Harness, settings: Settings) -> None:
        _earn_bronze(harness)
        later = datetime.now(UTC) + timedelta(days=1096)
        app = harness.client.app
        for session in session_scope(app.state.session_factory):
            learner = learner_service.find_learner(session, email=SATO, settings=settings)
            assert learner is not None
            outcome = flows.evaluate_learner(
                session, learner=learner, email=SATO, settings=settings, now=later
            )
            assert [a.achievement_id for a in outcome.awards] == ["dx-literacy-bronze"]
            sequences = session.scalars(
                select(Award.sequence).where(Award.learner_id == learner.id).order_by(Award.id)
            ).all()
            assert sequences == [0, 1]

    def test_revoked_badge_is_not_reawarded_nor_stacked_upon(self, harness: Harness) -> None:
        award = _earn_bronze(harness)
        revoke = harness.client.post(
            f"/v1/admin/credentials/{award['credential_id']}/revoke",
            json={"reason": "awarded by mistake"},
            headers=harness.admin,
        )
        assert revoke.status_code == 200, revoke.text
        nocode = harness.post_completion(
            "kitami-it-academy", _completion(SATO, "NC201", 5, 95)
        ).json()
        assert nocode["awards"] == []
        again = harness.post_completion("manabi-portal", _completion(SATO, "DATA-110", 6)).json()
        assert again["awards"] == []

    def test_skill_map_change_never_revokes(self, harness: Harness) -> None:
        award = _earn_bronze(harness)
        source = example_path("skill-map.yaml").read_bytes()
        harness.load_skill_map(source.replace(b"n_of: 2", b"n_of: 3"))
        report = harness.client.get(
            str(award["credential_url"]).removeprefix("http://localhost:8000") + "/verification"
        ).json()
        assert report["verified"] is True


class TestDirectAward:
    def _award(self, harness: Harness, achievement_id: str, email: str = SATO) -> Response:
        return harness.client.post(
            "/v1/admin/credentials",
            json={
                "achievement_id": achievement_id,
                "email": email,
                "narrative": "地域企業のDXプロジェクトを1年間主導した実務経験",
                "evidence_urls": ["https://kitami.example.jp/projects/42"],
            },
            headers=harness.admin,
        )

    def test_direct_award_issues_a_verifiable_credential(self, harness: Harness) -> None:
        response = self._award(harness, "dx-case-silver")
        assert response.status_code == 201, response.text
        body = response.json()
        credential = _stored(harness, body["url"])
        assert credential["evidence"][0]["id"] == "https://kitami.example.jp/projects/42"  # type: ignore[index]
        report = harness.client.post("/verify", json=credential).json()
        assert report["verified"] is True, report
        assert body["source"] == "direct"

    def test_direct_award_unlocks_stacked_badges(self, harness: Harness) -> None:
        assert self._award(harness, "dx-case-silver").status_code == 201
        gold = harness.post_completion("hokudai-mooc", _completion(SATO, "CASE-310", 7)).json()
        assert [a["achievement_id"] for a in gold["awards"]] == ["regional-dx-leader-gold"]

    def test_second_direct_award_is_409(self, harness: Harness) -> None:
        self._award(harness, "dx-case-silver")
        response = self._award(harness, "dx-case-silver")
        assert response.status_code == 409

    def test_unknown_achievement_is_422(self, harness: Harness) -> None:
        response = self._award(harness, "no-such-badge")
        assert response.status_code == 422

    def test_bad_email_is_422(self, harness: Harness) -> None:
        response = self._award(harness, "dx-case-silver", email="not-an-email")
        assert response.status_code == 422


class TestAdminListing:
    def test_filters_by_state_and_achievement(self, harness: Harness) -> None:
        award = _earn_bronze(harness)
        listing = harness.client.get(
            "/v1/admin/credentials",
            params={"achievement": "dx-literacy-bronze"},
            headers=harness.admin,
        ).json()
        assert [item["uuid"] for item in listing["items"]] == [award["credential_id"]]
        revoked = harness.client.get(
            "/v1/admin/credentials", params={"state": "revoked"}, headers=harness.admin
        ).json()
        assert revoked["items"] == []
        by_provider = harness.client.get(
            "/v1/admin/credentials", params={"provider": "hokudai-mooc"}, headers=harness.admin
        ).json()
        assert by_provider["items"] == []
