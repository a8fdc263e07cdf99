"""VC API test data: W3C test-suite style credentials, requests, and apps with did:key on or off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from badge_issuer.config import Settings
from badge_issuer.main import create_app

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
SUBJECT = "did:example:1234"


def vc2(issuer: Any, **members: Any) -> dict[str, Any]:
    """A VC 2.0 credential as the W3C test suites send it."""
    return {
        "@context": [VC_V2, EXAMPLES_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": SUBJECT},
        **members,
    }


def vc11(issuer: Any, **members: Any) -> dict[str, Any]:
    """A VC 1.1 credential (its examples context is not bundled, so none is used)."""
    return {
        "@context": [VC_V1],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": SUBJECT},
        **members,
    }


def issue(client: TestClient, token: str | None, credential: Any, **options: Any) -> Response:
    """POST /credentials/issue with a bearer token (none when `token` is None)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body: dict[str, Any] = {"credential": credential}
    if options:
        body["options"] = options
    return client.post("/credentials/issue", json=body, headers=headers)


def issued(client: TestClient, token: str, credential: Any) -> dict[str, Any]:
    """Issue a credential and return the signed one, failing loudly otherwise."""
    answer = issue(client, token, credential)
    assert answer.status_code == 201, answer.text
    signed: dict[str, Any] = answer.json()["verifiableCredential"]
    return signed


def verify(client: TestClient, credential: Any, **options: Any) -> Response:
    """POST /credentials/verify (public)."""
    body: dict[str, Any] = {"verifiableCredential": credential}
    if options:
        body["options"] = options
    return client.post("/credentials/verify", json=body)


def pointers(problem: dict[str, Any]) -> list[str]:
    """The JSON pointers of a problem's `errors` entries."""
    return [error["pointer"] for error in problem.get("errors", [])]


@contextmanager
def app_with(settings: Settings, **changes: Any) -> Iterator[FastAPI]:
    """An app over the same database and KEK with some settings changed."""
    application = create_app(settings.model_copy(update=changes))
    try:
        yield application
    finally:
        application.state.engine.dispose()
