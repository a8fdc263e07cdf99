"""Warming: the probe credentials of the current map have the shapes of real credentials."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from badge_issuer.awards import warming
from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.db import session_scope
from badge_issuer.skillmap import service as skillmap_service
from tests.harness import Harness

SATO = "sato.hanako@example.jp"


def _completion(course_id: str, day: int, score: int | None) -> dict[str, object]:
    body: dict[str, object] = {
        "learner": {"email": SATO, "region": "01-okhotsk", "category": "worker-non-it"},
        "course_id": course_id,
        "completed_at": f"2026-10-{day:02d}T10:00:00+09:00",
    }
    if score is not None:
        body["score"] = score
    return body


def _unsecured(harness: Harness, credential_url: str) -> dict[str, object]:
    document: dict[str, object] = harness.client.get(
        credential_url.removeprefix("http://localhost:8000")
    ).json()
    document.pop("proof")
    return document


def _warmed(app: FastAPI, canonicalizer: Canonicalizer) -> int:
    for session in session_scope(app.state.session_factory):
        current = skillmap_service.load_current(session)
        assert current is not None
        issuers = warming.issuer_profiles(session, app.state.settings)
        return warming.warm_shapes(
            current,
            issuers,
            settings=app.state.settings,
            now=datetime.now(UTC),
            canonicalizer=canonicalizer,
        )
    raise AssertionError("unreachable")


def test_a_real_credential_is_answered_from_a_warmed_template(harness: Harness) -> None:
    harness.post_completion("manabi-portal", _completion("DXL-101", 1, 88))
    response = harness.post_completion("manabi-portal", _completion("SEC-120", 2, 91))
    assert response.status_code == 201, response.text
    document = _unsecured(harness, response.json()["awards"][0]["credential_url"])
    app: FastAPI = harness.client.app  # type: ignore[assignment]

    cold = Canonicalizer()
    assert not cold.canonical_form(document).from_template  # a first sighting: the full path

    warm = Canonicalizer()
    assert _warmed(app, warm) > 0
    form = warm.canonical_form(document)
    assert form.from_template
    assert form.nquads == cold.canonicalize_full(document)  # and the same answer
