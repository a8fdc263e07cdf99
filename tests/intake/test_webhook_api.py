"""POST /v1/providers/{id}/completions: Standard Webhooks auth, idempotency, validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from badge_issuer import bootstrap
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.providers.models import Completion, WebhookDelivery
from tests.providers.factories import (
    COURSE_ID,
    Sender,
    completion_body,
    completions_url,
    course_only_skill_map,
    create_provider,
    encode,
    load_skill_map,
    one_badge_per_course,
    signed_headers,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def sender(app: FastAPI, client: TestClient) -> Sender:
    return Sender(client=client, secret=create_provider(app))


def _count(app: FastAPI, model: type[Completion] | type[WebhookDelivery]) -> int:
    for session in session_scope(app.state.session_factory):
        return session.scalar(select(func.count()).select_from(model)) or 0
    raise AssertionError("unreachable")


def _assert_problem(response: Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, object] = response.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == status
    return problem


class TestAcceptedCompletion:
    def test_new_completion_is_201_with_id_awards_and_progress(self, sender: Sender) -> None:
        response = sender.post(completion_body())
        assert response.status_code == 201, response.text
        answer = response.json()
        assert isinstance(answer["completion_id"], int)
        assert answer["awards"] == []
        assert answer["progress"] == []

    def test_evidence_is_kept_on_the_completion(self, app: FastAPI, sender: Sender) -> None:
        sender.post(completion_body())
        for session in session_scope(app.state.session_factory):
            stored = session.scalars(select(Completion)).one()
            assert stored.provider_id == "manabi-portal"
            assert stored.course_id == COURSE_ID
            assert stored.completed_at == datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
            assert stored.score == 88
            assert stored.certificate_url == "https://manabi.example.jp/certificates/a81f"

    def test_known_course_of_the_current_skill_map_is_accepted(
        self, app: FastAPI, sender: Sender
    ) -> None:
        load_skill_map(app, course_only_skill_map())
        assert sender.post(completion_body()).status_code == 201

    def test_only_email_course_and_time_are_required(self, sender: Sender) -> None:
        body = {
            "learner": {"email": "a@example.jp"},
            "course_id": "X1",
            "completed_at": "2026-01-01T00:00:00Z",
        }
        assert sender.post(body).status_code == 201


class TestIdempotency:
    def test_replay_returns_200_with_the_identical_body(self, app: FastAPI, sender: Sender) -> None:
        first = sender.post(completion_body(), webhook_id="msg_replay")
        again = sender.post(completion_body(), webhook_id="msg_replay")
        assert first.status_code == 201
        assert again.status_code == 200
        assert again.content == first.content
        assert _count(app, Completion) == 1
        assert _count(app, WebhookDelivery) == 1

    def test_replay_with_a_fresh_timestamp_still_replays(self, sender: Sender) -> None:
        first = sender.post(completion_body(), webhook_id="msg_retry")
        later = datetime.now(UTC) + timedelta(seconds=60)
        again = sender.post(completion_body(), webhook_id="msg_retry", sent_at=later)
        assert (again.status_code, again.json()) == (200, first.json())

    def test_same_id_with_another_body_is_409(self, sender: Sender) -> None:
        sender.post(completion_body(), webhook_id="msg_reused")
        response = sender.post(completion_body(score=12), webhook_id="msg_reused")
        problem = _assert_problem(response, 409)
        assert "msg_reused" in str(problem["detail"])

    def test_same_completion_under_another_id_is_200_with_the_same_completion(
        self, app: FastAPI, sender: Sender
    ) -> None:
        first = sender.post(completion_body())
        second = sender.post(completion_body(score=90))
        assert second.status_code == 200
        assert second.json() == {
            "completion_id": first.json()["completion_id"],
            "awards": [],
            "progress": [],
        }
        assert _count(app, Completion) == 1

    def test_same_course_at_another_time_is_a_second_completion(
        self, app: FastAPI, sender: Sender
    ) -> None:
        sender.post(completion_body())
        response = sender.post(completion_body(completed_at="2026-10-02T10:00:00+09:00"))
        assert response.status_code == 201
        assert _count(app, Completion) == 2

    def test_the_same_instant_in_another_zone_is_the_same_completion(self, sender: Sender) -> None:
        first = sender.post(completion_body())
        other_zone = sender.post(completion_body(completed_at="2026-10-01T01:00:00Z"))
        assert other_zone.status_code == 200
        assert other_zone.json()["completion_id"] == first.json()["completion_id"]

    def test_email_case_and_spaces_do_not_make_another_learner(
        self, app: FastAPI, sender: Sender
    ) -> None:
        first = sender.post(completion_body())
        body = completion_body()
        body["learner"] = {"email": "  Sato.Hanako@EXAMPLE.jp "}
        again = sender.post(body)
        assert again.status_code == 200
        assert again.json()["completion_id"] == first.json()["completion_id"]


class TestAwardingHook:
    @pytest.fixture
    def awarding(self, app: FastAPI, settings: Settings, sender: Sender) -> Sender:
        bootstrap.prepare(settings)  # the default issuer and its signing key, as `serve` does
        load_skill_map(app, one_badge_per_course())
        return sender

    def test_new_completion_answers_the_award_it_earned(self, awarding: Sender) -> None:
        answer = awarding.post(completion_body()).json()
        (award,) = answer["awards"]
        assert award["achievement_id"] == "badge-dxl-101"
        assert (
            award["credential_url"] == f"http://localhost:8000/credentials/{award['credential_id']}"
        )

    def test_the_same_completion_again_never_awards_twice(
        self, app: FastAPI, awarding: Sender
    ) -> None:
        awarding.post(completion_body())
        again = awarding.post(completion_body(score=95))
        assert (again.status_code, again.json()["awards"]) == (200, [])
        for session in session_scope(app.state.session_factory):
            assert session.scalar(select(func.count()).select_from(Award)) == 1

    def test_replay_repeats_the_award_in_the_stored_answer(self, awarding: Sender) -> None:
        first = awarding.post(completion_body(), webhook_id="msg_award")
        again = awarding.post(completion_body(), webhook_id="msg_award")
        assert again.json() == first.json()
        assert len(again.json()["awards"]) == 1


class TestAuthenticationRefusals:
    def test_unknown_provider_is_401(self, client: TestClient, sender: Sender) -> None:
        payload = encode(completion_body())
        response = client.post(
            completions_url("no-such-provider"),
            content=payload,
            headers=signed_headers(sender.secret, payload),
        )
        _assert_problem(response, 401)

    def test_unknown_provider_and_bad_signature_are_indistinguishable(
        self, client: TestClient, sender: Sender
    ) -> None:
        payload = encode(completion_body())
        unknown = client.post(
            completions_url("no-such-provider"),
            content=payload,
            headers=signed_headers(sender.secret, payload),
        )
        wrong = Sender(client=client, secret="whsec_" + "A" * 43 + "=").post(payload)
        for response in (unknown, wrong):
            _assert_problem(response, 401)
        keys = ("type", "title", "status", "detail")
        assert [unknown.json()[k] for k in keys] == [wrong.json()[k] for k in keys]

    def test_suspended_provider_is_401(
        self, app: FastAPI, client: TestClient, sender: Sender
    ) -> None:
        from tests.admin.factories import bearer, make_token

        token = make_token(app, "providers")
        client.patch(
            "/v1/admin/providers/manabi-portal", json={"status": "suspended"}, headers=bearer(token)
        )
        _assert_problem(sender.post(completion_body()), 401)

    def test_body_altered_after_signing_is_401(self, client: TestClient, sender: Sender) -> None:
        payload = encode(completion_body())
        headers = signed_headers(sender.secret, payload)
        tampered = payload.replace(b'"score": 88', b'"score": 99')
        response = client.post(completions_url(), content=tampered, headers=headers)
        _assert_problem(response, 401)

    def test_signature_for_another_webhook_id_is_401(
        self, client: TestClient, sender: Sender
    ) -> None:
        payload = encode(completion_body())
        headers = signed_headers(sender.secret, payload, webhook_id="msg_a")
        headers["webhook-id"] = "msg_b"
        _assert_problem(client.post(completions_url(), content=payload, headers=headers), 401)

    @pytest.mark.parametrize("minutes", [-6, 6])
    def test_timestamp_outside_five_minutes_is_401(self, sender: Sender, minutes: int) -> None:
        moment = datetime.now(UTC) + timedelta(minutes=minutes)
        problem = _assert_problem(sender.post(completion_body(), sent_at=moment), 401)
        assert "300" in str(problem["detail"])

    @pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
    def test_missing_header_is_401(self, client: TestClient, sender: Sender, header: str) -> None:
        payload = encode(completion_body())
        headers = signed_headers(sender.secret, payload)
        del headers[header]
        _assert_problem(client.post(completions_url(), content=payload, headers=headers), 401)

    @pytest.mark.parametrize(
        ("header", "value"),
        [
            ("webhook-timestamp", "yesterday"),
            ("webhook-timestamp", "1e9"),
            ("webhook-timestamp", "999999999999"),  # year 33658: a datetime cannot hold it
            ("webhook-timestamp", "0"),
            ("webhook-signature", "v1"),
            ("webhook-signature", "v1,***"),
            ("webhook-signature", "v2,AAAA"),
            ("webhook-id", "has space"),
            ("webhook-id", "x" * 201),
        ],
    )
    def test_malformed_header_is_401_not_500(
        self, client: TestClient, sender: Sender, header: str, value: str
    ) -> None:
        payload = encode(completion_body())
        headers = signed_headers(sender.secret, payload) | {header: value}
        _assert_problem(client.post(completions_url(), content=payload, headers=headers), 401)

    def test_body_that_is_not_utf8_is_401(self, client: TestClient, sender: Sender) -> None:
        headers = signed_headers(sender.secret, b"{}")
        response = client.post(completions_url(), content=b"\xff\xfe{}", headers=headers)
        _assert_problem(response, 401)

    def test_refused_deliveries_store_nothing(self, app: FastAPI, sender: Sender) -> None:
        sender.post(completion_body(), sent_at=datetime.now(UTC) - timedelta(hours=1))
        assert _count(app, WebhookDelivery) == 0
        assert _count(app, Completion) == 0


class TestBodyRefusals:
    def test_body_over_64_kib_is_413(self, sender: Sender) -> None:
        body = completion_body()
        body["learner"]["name"] = "x" * (70 * 1024)
        _assert_problem(sender.post(body), 413)

    def test_body_over_64_kib_without_content_length_is_413(
        self, client: TestClient, sender: Sender
    ) -> None:
        payload = b" " * (65 * 1024) + encode(completion_body())
        headers = signed_headers(sender.secret, payload)

        def chunks() -> object:
            for start in range(0, len(payload), 8192):
                yield payload[start : start + 8192]

        response = client.post(completions_url(), content=chunks(), headers=headers)  # type: ignore[arg-type]
        _assert_problem(response, 413)

    def test_unknown_course_is_422_naming_it(self, app: FastAPI, sender: Sender) -> None:
        load_skill_map(app, course_only_skill_map())
        problem = _assert_problem(sender.post(completion_body(course_id="NOPE-999")), 422)
        assert "NOPE-999" in str(problem["detail"])
        assert problem["course_id"] == "NOPE-999"
        assert problem["errors"] == [
            {
                "pointer": "/course_id",
                "message": "course 'NOPE-999' of provider 'manabi-portal' is not in the skill map",
            }
        ]

    def test_course_of_another_provider_is_unknown_here(self, app: FastAPI, sender: Sender) -> None:
        create_provider(app, "kitami-it-academy", name="Kitami")
        load_skill_map(app, course_only_skill_map("kitami-it-academy", "PY101"))
        _assert_problem(sender.post(completion_body(course_id="PY101")), 422)

    @pytest.mark.parametrize(
        ("change", "pointer"),
        [
            ({"learner": {"email": "not-an-email"}}, "/learner/email"),
            ({"learner": {}}, "/learner/email"),
            ({"learner": {"email": "a@example.jp", "region": "x" * 65}}, "/learner/region"),
            ({"learner": {"email": "a@example.jp", "category": "has space"}}, "/learner/category"),
            ({"learner": {"email": "a@example.jp", "name": "n" * 201}}, "/learner/name"),
            ({"course_id": ""}, "/course_id"),
            ({"completed_at": "2026-10-01T10:00:00"}, "/completed_at"),
            ({"completed_at": "yesterday"}, "/completed_at"),
            ({"completed_at": 1790000000}, "/completed_at"),
            ({"completed_at": "0001-01-01T00:00:00+09:00"}, "/completed_at"),
            ({"completed_at": "2999-01-01T00:00:00Z"}, "/completed_at"),
            ({"score": 101}, "/score"),
            ({"score": -1}, "/score"),
            ({"score": True}, "/score"),
            ({"certificate_url": "javascript:alert(1)"}, "/certificate_url"),
            ({"unexpected": 1}, "/unexpected"),
        ],
    )
    def test_invalid_field_is_422_listing_it(
        self, sender: Sender, change: dict[str, object], pointer: str
    ) -> None:
        problem = _assert_problem(sender.post(completion_body(**change)), 422)
        errors = problem["errors"]
        assert isinstance(errors, list)
        assert pointer in [error["pointer"] for error in errors]

    def test_missing_required_fields_are_each_listed(self, sender: Sender) -> None:
        problem = _assert_problem(sender.post({}), 422)
        pointers = {e["pointer"] for e in problem["errors"]}  # type: ignore[attr-defined]
        assert pointers == {"/learner", "/course_id", "/completed_at"}

    @pytest.mark.parametrize("payload", [b"", b"not json", b"[1, 2]", b'{"learner": '])
    def test_body_that_is_not_a_json_object_is_422(self, sender: Sender, payload: bytes) -> None:
        _assert_problem(sender.post(payload), 422)

    def test_invalid_body_is_not_stored_so_a_corrected_retry_passes(self, sender: Sender) -> None:
        sender.post(completion_body(score=500), webhook_id="msg_fixme")
        assert sender.post(completion_body(), webhook_id="msg_fixme").status_code == 201
