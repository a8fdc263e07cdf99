"""The endorsement schema rules agree with 1EdTech's endorsementcredential.json."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest

from badge_issuer.endorsements.document import endorsement_credential
from badge_issuer.verification.endorsement_schema import endorsement_problems, is_endorsement
from badge_issuer.verification.rules import rules_for
from badge_issuer.verification.rules_endorsement import ENDORSEMENTS, schema_check, types_check
from badge_issuer.verification.rules_generic import GENERIC_VC
from badge_issuer.verification.verify import OPEN_BADGES
from tests.shared_data import shared_path


def _validator() -> jsonschema.Draft201909Validator:
    path = shared_path("ob3-schemas", "1edtech-gh-pages", "endorsementcredential.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def _endorsement() -> dict[str, Any]:
    document = endorsement_credential(
        credential_id="http://localhost:8000/endorsements/1",
        endorser={
            "id": "did:web:localhost%3A8000:issuers:pref",
            "type": ["Profile"],
            "name": "北海道",
        },
        subject_id="http://localhost:8000/achievements/a",
        subject_name="A",
        comment="推薦します",
        credential_status={
            "id": "http://localhost:8000/status-lists/1#3",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "3",
            "statusListCredential": "http://localhost:8000/status-lists/1",
        },
        valid_from=datetime(2026, 12, 7, tzinfo=UTC),
    )
    document["proof"] = [{"type": "DataIntegrityProof"}]
    return document


def _drop(path: tuple[str, ...]) -> Any:
    def change(document: dict[str, Any]) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return change


def _set(path: tuple[str, ...], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


CHANGES = {
    "as issued": lambda document: None,
    "no name": _drop(("name",)),
    "no subject id": _drop(("credentialSubject", "id")),
    "subject type": _set(("credentialSubject", "type"), ["AchievementSubject"]),
    "comment not a string": _set(("credentialSubject", "endorsementComment"), 3),
    "no EndorsementCredential type": _set(("type",), ["VerifiableCredential"]),
    "issuer without type": _set(("issuer",), {"id": "did:example:1"}),
    "first context": _set(("@context",), ["https://example.org/c", "https://example.org/d"]),
}


class TestEndorsementSchemaRules:
    @pytest.mark.parametrize("change", list(CHANGES))
    def test_agree_with_the_1edtech_schema(self, change: str) -> None:
        document = copy.deepcopy(_endorsement())
        CHANGES[change](document)
        schema_valid = not list(_validator().iter_errors(document))
        assert (endorsement_problems(document) == []) == schema_valid, endorsement_problems(
            document
        )
        assert schema_valid == (change == "as issued")

    def test_dates_must_be_rfc3339(self) -> None:
        # Stricter than a validator without a date-time format checker installed.
        document = _endorsement()
        document["validFrom"] = "yesterday"
        assert endorsement_problems(document) == [
            "validFrom: must be an RFC 3339 date-time with a time zone"
        ]

    def test_recognises_endorsements_by_type(self) -> None:
        assert is_endorsement(_endorsement())
        assert not is_endorsement({"type": ["VerifiableCredential", "OpenBadgeCredential"]})


class TestEndorsementRuleSet:
    def test_rules_for_picks_the_endorsement_rules(self) -> None:
        assert rules_for(_endorsement()) is ENDORSEMENTS
        assert rules_for(_endorsement(), otherwise=OPEN_BADGES) is ENDORSEMENTS
        badge = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
        assert rules_for(badge) is OPEN_BADGES
        plain = {"type": ["VerifiableCredential"]}
        assert rules_for(plain) is GENERIC_VC
        assert rules_for(plain, otherwise=OPEN_BADGES) is OPEN_BADGES

    def test_schema_check_passes_an_issued_endorsement_and_names_what_is_wrong(self) -> None:
        assert schema_check(_endorsement()).status == "passed"
        broken = _endorsement()
        del broken["credentialSubject"]["id"]
        check = schema_check(broken)
        assert check.status == "failed"
        assert check.detail == "credentialSubject.id: is required"

    def test_one_proof_object_is_a_warning_as_for_badges(self) -> None:
        document = _endorsement()
        document["proof"] = document["proof"][0]
        check = schema_check(document)
        assert check.status == "warning"
        assert check.detail.startswith("1EdTech schema only: proof: is one value")

    def test_types_check_wants_both_types(self) -> None:
        assert types_check(_endorsement()).status == "passed"
        check = types_check({"type": ["VerifiableCredential", "OpenBadgeCredential"]})
        assert check.status == "failed"
        assert check.detail == "type does not include EndorsementCredential"

    def test_the_rule_set_reports_the_same_checks_as_a_badge(self) -> None:
        checks = ENDORSEMENTS.document_checks(_endorsement(), ())
        assert [check.check for check in checks] == ["contexts", "types", "data-model", "schema"]
        assert ENDORSEMENTS.check_names == OPEN_BADGES.check_names
