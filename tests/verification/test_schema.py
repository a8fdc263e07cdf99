"""The schema check agrees with the real 1EdTech OB 3.0 AchievementCredential JSON Schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from jsonschema.validators import validator_for

from badge_issuer.verification.ob3_schema import schema_problems
from tests.shared_data import shared_path
from tests.verification.factories import unsigned_credential

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
Mutation = Callable[[dict[str, Any]], None]


def _credential() -> dict[str, Any]:
    document = unsigned_credential(
        issuer_profile={"id": "did:web:example.org", "type": ["Profile"], "name": "Issuer"},
        credential_id="urn:uuid:0b6f0f1c-6b57-4f0e-a6ec-4b1c4e3f8a10",
        status_entry={
            "id": "https://example.org/status/1#5",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "5",
            "statusListCredential": "https://example.org/status/1",
        },
        valid_from=NOW,
    )
    document["proof"] = [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}]
    document["evidence"] = [{"type": ["Evidence"], "name": "Course"}]
    return document


def _delete(*path: str | int) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        node: Any = document
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def _set(value: Any, *path: str | int) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        node: Any = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


SUBJECT = "credentialSubject"
ACHIEVEMENT = (SUBJECT, "achievement")
IDENTITY = (SUBJECT, "identifier", 0)
MUTATIONS: dict[str, Mutation] = {
    "valid": lambda document: None,
    "no @context": _delete("@context"),
    "no id": _delete("id"),
    "no type": _delete("type"),
    "no issuer": _delete("issuer"),
    "no validFrom": _delete("validFrom"),
    "no credentialSubject": _delete(SUBJECT),
    "type is a string": _set("VerifiableCredential", "type"),
    "type lacks OpenBadgeCredential": _set(["VerifiableCredential"], "type"),
    "type lacks VerifiableCredential": _set(["OpenBadgeCredential"], "type"),
    "one context": _set(["https://www.w3.org/ns/credentials/v2"], "@context"),
    "VC 1.1 context first": _set(
        [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "@context",
    ),
    "not an OB context second": _set(
        ["https://www.w3.org/ns/credentials/v2", "https://example.org/ctx.json"], "@context"
    ),
    "older OB context": _set(
        [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        ],
        "@context",
    ),
    "subject type lacks AchievementSubject": _set(["Person"], SUBJECT, "type"),
    "subject without achievement": _delete(*ACHIEVEMENT),
    "achievement without criteria": _delete(*ACHIEVEMENT, "criteria"),
    "achievement without name": _delete(*ACHIEVEMENT, "name"),
    "achievement without description": _delete(*ACHIEVEMENT, "description"),
    "achievement without id": _delete(*ACHIEVEMENT, "id"),
    "achievement type lacks Achievement": _set(["Badge"], *ACHIEVEMENT, "type"),
    "criteria is a string": _set("pass", *ACHIEVEMENT, "criteria"),
    "identity with an extra member": _set("x", *IDENTITY, "extra"),
    "identity hashed as a string": _set("true", *IDENTITY, "hashed"),
    "identity without identityHash": _delete(*IDENTITY, "identityHash"),
    "identity of another type": _set("Identity", *IDENTITY, "type"),
    "identifier not an array": _set({"type": "IdentityObject"}, SUBJECT, "identifier"),
    "issuer profile without type": _delete("issuer", "type"),
    "issuer as a URL": _set("did:web:example.org", "issuer"),
    "issuer as a number": _set(5, "issuer"),
    "image with an extra member": _set(
        {"id": "https://example.org/i.png", "type": "Image", "alt": "x"}, "image"
    ),
    "image without type": _set({"id": "https://example.org/i.png"}, "image"),
    "proof is an object": _set({"type": "DataIntegrityProof"}, "proof"),
    "proof without type": _set([{"cryptosuite": "eddsa-rdfc-2022"}], "proof"),
    "status without type": _delete("credentialStatus", "type"),
    "evidence without type": _set([{"name": "x"}], "evidence"),
    "evidence type lacks Evidence": _set([{"type": ["Proof"]}], "evidence"),
    "name is a number": _set(3, "name"),
    # The canonical schema's TermsOfUse, RefreshService and CredentialSchema (issue 15).
    "terms of use typed": _set([{"type": "TrustFrameworkPolicy"}], "termsOfUse"),
    "terms of use without type": _set([{"id": "https://example.org/tou"}], "termsOfUse"),
    "terms of use type not a string": _set([{"type": ["TrustFrameworkPolicy"]}], "termsOfUse"),
    "refresh service with id and type": _set(
        {"id": "https://example.org/refresh", "type": "ManualRefreshService"}, "refreshService"
    ),
    "refresh service without type": _set({"id": "https://example.org/refresh"}, "refreshService"),
    "refresh service without id": _set({"type": "ManualRefreshService"}, "refreshService"),
    "credential schema with id and type": _set(
        [{"id": "https://example.org/schema.json", "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialSchema",
    ),
    "credential schema without type": _set(
        [{"id": "https://example.org/schema.json"}], "credentialSchema"
    ),
    "credential schema without id": _set(
        [{"type": "1EdTechJsonSchemaValidator2019"}], "credentialSchema"
    ),
}


@pytest.fixture(scope="module")
def one_edtech_validator() -> Any:
    path = shared_path("ob3-schemas", "1edtech-gh-pages", "achievementcredential.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return validator_for(schema)(schema)


class TestSchemaCheck:
    @pytest.mark.parametrize("case", sorted(MUTATIONS))
    def test_agrees_with_the_1edtech_schema(self, case: str, one_edtech_validator: Any) -> None:
        document = copy.deepcopy(_credential())
        MUTATIONS[case](document)
        official_errors = list(one_edtech_validator.iter_errors(document))
        ours = schema_problems(document)
        assert (ours == []) == (official_errors == []), (ours, [e.message for e in official_errors])

    def test_the_valid_case_is_valid(self) -> None:
        assert schema_problems(_credential()) == []

    @pytest.mark.parametrize("value", ["2026-11-20", "2026-11-20T10:00:00", "yesterday", 5])
    def test_refuses_date_times_without_a_time_zone(self, value: Any) -> None:
        document = _credential()
        document["validFrom"] = value
        assert any("validFrom" in problem for problem in schema_problems(document))

    def test_names_the_path_of_each_problem(self) -> None:
        document = _credential()
        del document[SUBJECT]["achievement"]["criteria"]
        document[SUBJECT]["identifier"][0]["extra"] = 1
        problems = schema_problems(document)
        assert "credentialSubject.achievement.criteria: is required" in problems
        assert (
            "credentialSubject.identifier[0].extra: is not allowed in an IdentityObject" in problems
        )

    @pytest.mark.parametrize(
        ("case", "expected"),
        [
            ("terms of use without type", "termsOfUse[0].type: is required"),
            ("refresh service without type", "refreshService.type: is required"),
            ("refresh service without id", "refreshService.id: is required"),
            ("credential schema without type", "credentialSchema[0].type: is required"),
            ("credential schema without id", "credentialSchema[0].id: is required"),
        ],
    )
    def test_typed_members_of_the_canonical_schema(self, case: str, expected: str) -> None:
        document = copy.deepcopy(_credential())
        MUTATIONS[case](document)
        assert expected in schema_problems(document)

    def test_a_non_object_is_one_problem(self) -> None:
        assert schema_problems([]) == ["$: must be an object"]  # type: ignore[arg-type]
