"""GET /status-lists/{id}: the signed BitstringStatusListCredential, its caching and re-signing."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from badge_issuer.admin.scopes import Scope
from badge_issuer.awards import revocation
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.issuers import service as issuer_service
from badge_issuer.keys import service as key_service
from badge_issuer.kit.clock import utc_now
from badge_issuer.status.encoding import MIN_LIST_BITS, bit_is_set, decode_list
from tests.admin.factories import bearer, make_token
from tests.key_resolvers import local_key_resolver
from tests.verification.factories import db, make_issuer, store_award

ISSUER_DID = "did:web:localhost%3A8000:issuers:sapporo"


@pytest.fixture
def issued(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """One stored credential of issuer `sapporo`: its uuid, list id and index."""
    with db(app) as session:
        issuer = make_issuer(session, slug="sapporo", now=utc_now(), settings=settings)
        award = store_award(session, issuer=issuer, settings=settings, now=utc_now())
        status = json.loads(award.document)["credentialStatus"]
    return {
        "uuid": award.uuid,
        "list_url": status["statusListCredential"],
        "list_path": "/status-lists/" + status["statusListCredential"].rsplit("/", 1)[1],
        "index": award.status_index,
    }


def _revoke(app: FastAPI, client: TestClient, credential_uuid: str, reason: str = "fraud") -> Any:
    token = make_token(app, Scope.CREDENTIALS)
    return client.post(
        f"/v1/admin/credentials/{credential_uuid}/revoke",
        json={"reason": reason},
        headers=bearer(token),
    )


def _verify_list(app: FastAPI, settings: Settings, document: dict[str, Any]) -> bool:
    with db(app) as session:
        resolver = local_key_resolver(session, settings=settings)
        return verify_credential_proof(document, resolver).verified


class TestStatusListCredential:
    def test_has_the_bitstring_status_list_credential_shape(
        self, client: TestClient, issued: dict[str, Any]
    ) -> None:
        document = client.get(issued["list_path"]).json()
        assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
        assert document["id"] == issued["list_url"]
        assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert document["issuer"] == ISSUER_DID
        assert document["validFrom"].endswith("Z")
        subject = document["credentialSubject"]
        assert subject["id"] == issued["list_url"] + "#list"
        assert subject["type"] == "BitstringStatusList"
        assert subject["statusPurpose"] == "revocation"
        assert subject["encodedList"].startswith("u")
        (proof,) = document["proof"]
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof["proofPurpose"] == "assertionMethod"
        assert proof["verificationMethod"].startswith(ISSUER_DID + "#")

    def test_proof_verifies_with_the_issuers_key(
        self, app: FastAPI, client: TestClient, settings: Settings, issued: dict[str, Any]
    ) -> None:
        assert _verify_list(app, settings, client.get(issued["list_path"]).json())

    def test_encoded_list_has_131072_bits_all_clear(
        self, client: TestClient, issued: dict[str, Any]
    ) -> None:
        subject = client.get(issued["list_path"]).json()["credentialSubject"]
        bits = decode_list(subject["encodedList"])
        assert len(bits) * 8 == MIN_LIST_BITS
        assert not any(bits)

    def test_is_json_by_default_and_vc_ld_json_when_asked(
        self, client: TestClient, issued: dict[str, Any]
    ) -> None:
        plain = client.get(issued["list_path"])
        asked = client.get(issued["list_path"], headers={"Accept": "application/vc+ld+json"})
        assert plain.headers["content-type"] == "application/json"
        assert asked.headers["content-type"] == "application/vc+ld+json"
        assert plain.content == asked.content

    def test_is_cacheable_with_an_etag_and_answers_304(
        self, client: TestClient, issued: dict[str, Any]
    ) -> None:
        first = client.get(issued["list_path"])
        assert first.headers["cache-control"] == "public, max-age=300"
        etag = first.headers["etag"]
        again = client.get(issued["list_path"], headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.headers["etag"] == etag
        assert again.content == b""
        assert client.get(issued["list_path"]).content == first.content

    def test_unknown_list_is_a_404_problem(self, client: TestClient) -> None:
        answer = client.get("/status-lists/00000000-0000-0000-0000-000000000000")
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 404


class TestRevocationChangesTheList:
    def test_revoking_sets_the_credentials_bit_and_changes_the_etag(
        self,
        app: FastAPI,
        client: TestClient,
        settings: Settings,
        issued: dict[str, Any],
    ) -> None:
        before = client.get(issued["list_path"])
        assert _revoke(app, client, issued["uuid"]).status_code == 200
        after = client.get(issued["list_path"], headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        bits = decode_list(after.json()["credentialSubject"]["encodedList"])
        assert bit_is_set(bits, issued["index"])
        assert sum(bin(byte).count("1") for byte in bits) == 1
        assert _verify_list(app, settings, after.json())

    def test_the_reason_is_never_published(
        self, app: FastAPI, client: TestClient, issued: dict[str, Any]
    ) -> None:
        _revoke(app, client, issued["uuid"], reason="secret-reason-4711")
        assert "secret-reason-4711" not in client.get(issued["list_path"]).text
        assert "secret-reason-4711" not in client.get(f"/credentials/{issued['uuid']}").text
        report = client.get(f"/credentials/{issued['uuid']}/verification").text
        assert "secret-reason-4711" not in report


class TestKeyRotation:
    def test_the_list_is_re_signed_with_the_new_active_key(
        self,
        app: FastAPI,
        client: TestClient,
        settings: Settings,
        issued: dict[str, Any],
    ) -> None:
        before = client.get(issued["list_path"])
        with db(app) as session:
            issuer = issuer_service.get_issuer(session, "sapporo")
            key = key_service.create_key(
                session, issuer=issuer, settings=settings, actor="t", now=utc_now()
            )
            key_service.activate_key(
                session, issuer=issuer, key_id=key.key_id, actor="t", now=utc_now()
            )
        after = client.get(issued["list_path"])
        assert after.headers["etag"] != before.headers["etag"]
        assert after.json()["proof"][0]["verificationMethod"] == f"{ISSUER_DID}#{key.key_id}"
        assert _verify_list(app, settings, after.json())
        assert client.get(issued["list_path"]).headers["etag"] == after.headers["etag"]

    def test_without_an_active_key_a_revocation_still_succeeds_and_old_bits_are_not_served(
        self, app: FastAPI, client: TestClient, settings: Settings, issued: dict[str, Any]
    ) -> None:
        client.get(issued["list_path"])
        with db(app) as session:
            issuer = issuer_service.get_issuer(session, "sapporo")
            (key,) = key_service.list_keys(session, issuer=issuer, after_id=0, limit=10)
            key_service.retire_key(
                session, issuer=issuer, key_id=key.key_id, actor="t", now=utc_now()
            )
        assert _revoke(app, client, issued["uuid"]).status_code == 200
        answer = client.get(issued["list_path"])
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        report = client.get(f"/credentials/{issued['uuid']}/verification").json()
        revocation = next(c for c in report["checks"] if c["check"] == "revocation")
        assert revocation["status"] == "failed"


class TestConcurrentRevocations:
    def test_every_concurrent_revocation_ends_up_in_the_served_list(
        self, app: FastAPI, client: TestClient, settings: Settings
    ) -> None:
        with db(app) as session:
            issuer = make_issuer(session, slug="sapporo", now=utc_now(), settings=settings)
            awards = [
                store_award(session, issuer=issuer, settings=settings, now=utc_now())
                for _ in range(6)
            ]
        list_url = json.loads(awards[0].document)["credentialStatus"]["statusListCredential"]
        client.get("/status-lists/" + list_url.rsplit("/", 1)[1])
        start = threading.Barrier(len(awards))
        errors: list[BaseException] = []

        def revoke(credential_uuid: str) -> None:
            start.wait()
            try:
                with db(app) as session:
                    revocation.revoke_credential(
                        session,
                        credential_uuid=credential_uuid,
                        reason="batch",
                        actor="t",
                        settings=settings,
                        now=utc_now(),
                    )
            except BaseException as error:  # surfaced by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=revoke, args=(a.uuid,)) for a in awards]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        document = client.get("/status-lists/" + list_url.rsplit("/", 1)[1]).json()
        bits = decode_list(document["credentialSubject"]["encodedList"])
        assert {i for i in range(MIN_LIST_BITS) if bit_is_set(bits, i)} == {
            a.status_index for a in awards
        }
