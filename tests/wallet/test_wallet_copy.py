"""A wallet's copy of a credential: issued through the awards domain, revoked with the original."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badge_issuer.awards import repository as award_repository
from badge_issuer.awards.models import Award
from badge_issuer.awards.wallet_copy import issue_wallet_copy
from badge_issuer.config import Settings
from badge_issuer.credentials.didkey import did_key_for
from badge_issuer.db import session_scope
from badge_issuer.kit.clock import utc_now
from tests.harness import Harness
from tests.wallet.factories import earn_bronze


def _holder_did() -> str:
    public = Ed25519PrivateKey.generate().public_key()
    return did_key_for(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def _copy(harness: Harness, settings: Settings, credential: str, did: str) -> str:
    copy_uuid = ""
    for session in session_scope(harness.client.app.state.session_factory):  # type: ignore[attr-defined]
        original = award_repository.get_by_uuid(session, credential)
        assert original is not None
        copy = issue_wallet_copy(
            session, original=original, holder_did=did, settings=settings, now=utc_now()
        )
        copy_uuid = copy.uuid
    return copy_uuid


def _document(harness: Harness, uuid: str) -> dict[str, Any]:
    response = harness.client.get(f"/credentials/{uuid}", headers={"accept": "application/json"})
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def _checks(report: dict[str, Any]) -> dict[str, str]:
    return {check["check"]: check["status"] for check in report["checks"]}


class TestWalletCopy:
    def test_subject_is_the_wallet_did_and_the_hashed_email_is_kept(
        self, harness: Harness, settings: Settings
    ) -> None:
        credential = earn_bronze(harness)
        did = _holder_did()
        copy = _document(harness, _copy(harness, settings, credential, did))
        original = _document(harness, credential)
        assert copy["credentialSubject"]["id"] == did
        assert (
            copy["credentialSubject"]["identifier"] == original["credentialSubject"]["identifier"]
        )
        assert (
            copy["credentialSubject"]["achievement"] == original["credentialSubject"]["achievement"]
        )
        assert copy["evidence"] == original["evidence"]
        assert copy["id"] != original["id"]
        assert copy["credentialStatus"] != original["credentialStatus"]

    def test_copy_verifies(self, harness: Harness, settings: Settings) -> None:
        copy = _document(harness, _copy(harness, settings, earn_bronze(harness), _holder_did()))
        report = harness.client.post("/verify", json=copy).json()
        assert report["verified"] is True, json.dumps(report, indent=1)

    def test_copy_has_no_learner_of_its_own(self, harness: Harness, settings: Settings) -> None:
        credential = earn_bronze(harness)
        copy_uuid = _copy(harness, settings, credential, _holder_did())
        for session in session_scope(harness.client.app.state.session_factory):  # type: ignore[attr-defined]
            copy = award_repository.get_by_uuid(session, copy_uuid)
            original = award_repository.get_by_uuid(session, credential)
            assert isinstance(copy, Award)
            assert original is not None
            assert copy.learner_id is None
            assert copy.derived_from_id == original.id
            assert copy.source == "wallet"

    def test_revoking_the_original_revokes_every_copy(
        self, harness: Harness, settings: Settings
    ) -> None:
        credential = earn_bronze(harness)
        copies = [_copy(harness, settings, credential, _holder_did()) for _ in range(2)]
        revoked = harness.client.post(
            f"/v1/admin/credentials/{credential}/revoke",
            json={"reason": "issued in error"},
            headers=harness.admin,
        )
        assert revoked.status_code == 200, revoked.text
        for copy_uuid in copies:
            report = harness.client.post("/verify", json=_document(harness, copy_uuid)).json()
            assert report["verified"] is False
            assert _checks(report)["revocation"] == "failed"

    def test_revoking_a_copy_leaves_the_original(
        self, harness: Harness, settings: Settings
    ) -> None:
        credential = earn_bronze(harness)
        copy_uuid = _copy(harness, settings, credential, _holder_did())
        harness.client.post(
            f"/v1/admin/credentials/{copy_uuid}/revoke",
            json={"reason": "lost phone"},
            headers=harness.admin,
        )
        report = harness.client.post("/verify", json=_document(harness, credential)).json()
        assert report["verified"] is True
