"""Schemathesis against the app's own OpenAPI document, in-process, on SQLite.

Every operation gets a bounded, derandomized set of generated requests (valid and invalid by
the schema). Admin operations carry a token with every scope; the completion webhook is sent to
a registered provider and signed with its secret (and once more unsigned, as generated), and
about half of the cases name objects that exist (the default issuer, its key, a credential,
an achievement, a status list) so the fuzzer reaches past the 404s. Any 5xx, any undocumented
status code or content type, and any body unlike its documented schema fails the test.

It runs on SQLite whatever BADGE_ISSUER_TEST_BACKENDS says: the same code paths as PostgreSQL,
several times faster. Each operation starts from a copy of one prepared database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NotSet

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.main import create_app
from tests.harness import Harness
from tests.providers.factories import load_skill_map, one_badge_per_course

PROVIDER = "fuzz-lms"
COURSE = "FUZZ-101"
WEBHOOK_PATH = "/v1/providers/{provider_id}/completions"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class Deployment:
    """The objects the fuzzer may name, and the credentials to act with."""

    admin: dict[str, str]
    secret: str
    known: dict[str, str]  # path parameter name -> an existing object's id


def _prepare(app: FastAPI, app_settings: Settings) -> Deployment:
    bootstrap.prepare(app_settings)
    with TestClient(app) as client:
        harness = Harness.start(client)
        secret = harness.register_provider(PROVIDER, "Fuzz LMS")
        load_skill_map(app, one_badge_per_course(PROVIDER, COURSE))
        body = {
            "learner": {"email": "fuzz@example.jp"},
            "course_id": COURSE,
            "completed_at": "2026-10-01T10:00:00+09:00",
            "score": 80,
        }
        earned = harness.post_completion(PROVIDER, body).json()["awards"][0]
        credential = client.get(earned["credential_url"].removeprefix("http://localhost:8000"))
        status_url = credential.json()["credentialStatus"]["statusListCredential"]
        keys = client.get("/v1/admin/issuers/default/keys", headers=harness.admin).json()
    known = {
        "provider_id": PROVIDER,
        "slug": "default",
        "key_id": keys["items"][0]["key_id"],
        "credential_id": earned["credential_id"],
        "achievement_id": earned["achievement_id"],
        "list_id": status_url.rsplit("/", 1)[-1],
    }
    return Deployment(admin=harness.admin, secret=secret, known=known)


@dataclass(frozen=True)
class Target:
    app: FastAPI
    deployment: Deployment


# Body fields that must name something real, or be well-formed, before the service goes deeper.
PLAUSIBLE_FIELDS: dict[str, object] = {
    "course_id": COURSE,
    "certificate_url": "https://lms.example.jp/certificates/1",
    "evidence_urls": ["https://lms.example.jp/evidence/1"],
}


def _pin_known_objects(case: Case, known: dict[str, str]) -> None:
    """In about half of the cases (chosen from the case, so repeatable) name existing objects and
    make the fields the service checks first well-formed, so the fuzzer reaches the code behind."""
    parameters = case.path_parameters if case.path_parameters is not None else {}
    if case.operation.path == WEBHOOK_PATH:
        parameters["provider_id"] = PROVIDER
    drawn = json.dumps([parameters, case.query, case.body], sort_keys=True, default=str)
    digest = hashlib.sha256(drawn.encode()).hexdigest()
    if int(digest[0], 16) % 2 == 0:
        return
    for name in parameters.keys() & known.keys():
        parameters[name] = known[name]
    if isinstance(case.body, dict):
        _make_plausible(case.body, known, digest)
        if isinstance(case.body.get("learner"), dict):
            _make_plausible(case.body["learner"], known, digest)


def _make_plausible(body: dict[str, Any], known: dict[str, str], digest: str) -> None:
    for name in body.keys() & PLAUSIBLE_FIELDS.keys():
        body[name] = PLAUSIBLE_FIELDS[name]
    if "email" in body:
        body["email"] = f"fuzz-{digest[:8]}@example.jp"  # a new learner: a new award
    if "achievement_id" in body:
        body["achievement_id"] = known["achievement_id"]


def _raw_body(body: object) -> bytes:
    """The bytes the provider signs: generated raw bytes as they are, JSON values encoded."""
    if isinstance(body, NotSet):
        return b""
    if isinstance(body, bytes):
        return body
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _signed_headers(secret: str, body: bytes) -> dict[str, str]:
    """Standard Webhooks headers over raw bytes (the fuzzer's bodies need not be UTF-8)."""
    webhook_id = f"msg_{uuid.uuid4().hex}"
    timestamp = str(int(time.time()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": f"v1,{signature}",
    }


def _send_webhooks(case: Case, target: Target) -> None:
    """As generated (signature headers missing or random), then signed by the provider."""
    case.call_and_validate(app=target.app, checks=CHECKS)
    payload = _raw_body(case.body)
    headers = _signed_headers(target.deployment.secret, payload)
    with TestClient(target.app) as client:
        response = client.post(case.formatted_path, content=payload, headers=headers)
    case.validate_response(response, checks=CHECKS)


@dataclass(frozen=True)
class PreparedDatabase:
    """A SQLite file with the deployment in it, and the KEK its keys are wrapped under."""

    path: Path
    kek: Path
    deployment: Deployment


def _settings(database: Path, kek: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{database}",
        public_url="http://localhost:8000",
        key_encryption_key_file=kek,
        log_json=True,
        # The fuzzer is one fast client: 429s (documented) would hide the answers under test.
        rate_limit_public="off",
        rate_limit_admin="off",
        rate_limit_webhook="off",
    )


@pytest.fixture(scope="module")
def prepared_database(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> PreparedDatabase:
    """Prepare once per module (and xdist worker); each test gets a copy."""
    folder = tmp_path_factory.mktemp("fuzz")
    path, kek = folder / "prepared.db", folder / "master.key"
    shutil.copyfile(sqlite_template, path)
    app_settings = _settings(path, kek)
    app = create_app(app_settings)
    try:
        deployment = _prepare(app, app_settings)
    finally:
        app.state.engine.dispose()  # the last connection checkpoints the WAL into the file
    return PreparedDatabase(path=path, kek=kek, deployment=deployment)


@pytest.fixture
def fuzz_target(prepared_database: PreparedDatabase, tmp_path: Path) -> Iterator[Target]:
    """A fresh app on a copy of the prepared database: each operation starts from the same state."""
    path = tmp_path / "fuzz.db"
    shutil.copyfile(prepared_database.path, path)
    app = create_app(_settings(path, prepared_database.kek))
    yield Target(app, prepared_database.deployment)
    app.state.engine.dispose()


def _document_app() -> FastAPI:
    """An app used only to serve its OpenAPI document; it never opens its database."""
    return create_app(_settings(Path("unused.db"), Path("unused.key")))


# Bulk imports and VC-JWT verification take text bodies: send the generated strings as text.
schemathesis.serializer.alias(["application/x-ndjson", "application/vc+jwt"], "text/plain")
schema = schemathesis.openapi.from_asgi("/openapi.json", _document_app())


# A module-level function: schemathesis' parametrize makes one pytest test per operation.
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@schema.parametrize()
def test_every_operation_answers_as_documented(case: Case, fuzz_target: Target) -> None:
    _pin_known_objects(case, fuzz_target.deployment.known)
    if case.operation.path == WEBHOOK_PATH:
        _send_webhooks(case, fuzz_target)
        return
    case.call_and_validate(app=fuzz_target.app, headers=fuzz_target.deployment.admin, checks=CHECKS)
