"""Strict JSON-LD: what pyld would silently drop is refused, at the path that causes it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from badge_issuer.credentials.jsonld.strict import (
    JsonLdRejected,
    ensure_strict,
    find_problems,
)
from tests.credentials.factories import make_credential
from tests.credentials.shared_vectors import vector_json


def _problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(problem.kind, problem.path) for problem in find_problems(document)]


@pytest.fixture
def credential() -> dict[str, Any]:
    return make_credential()


class TestFindProblems:
    def test_assembled_credential_is_strict(self, credential: dict[str, Any]) -> None:
        assert find_problems(credential) == []

    def test_w3c_examples_vocab_defines_every_term(self) -> None:
        assert find_problems(vector_json("unsigned.json")) == []

    def test_undefined_term_is_named_by_its_path(self, credential: dict[str, Any]) -> None:
        credential["credentialSubject"]["achievement"]["foo"] = "bar"
        assert _problems(credential) == [("undefined-term", "credentialSubject.achievement.foo")]

    def test_undefined_term_inside_an_array_item_has_its_index(
        self, credential: dict[str, Any]
    ) -> None:
        credential["evidence"][0]["score"] = "92"
        assert _problems(credential) == [("undefined-term", "evidence[0].score")]

    def test_undefined_type_is_refused(self, credential: dict[str, Any]) -> None:
        credential["credentialSubject"]["type"].append("Learner")
        assert _problems(credential) == [("undefined-type", "credentialSubject.type")]

    def test_relative_node_id_is_refused(self, credential: dict[str, Any]) -> None:
        credential["credentialSubject"]["achievement"]["id"] = "achievements/1"
        assert _problems(credential) == [("relative-iri", "credentialSubject.achievement.id")]

    def test_relative_iri_value_is_named_by_its_key(self, credential: dict[str, Any]) -> None:
        credential["credentialStatus"]["statusListCredential"] = "/status-lists/1"
        assert _problems(credential) == [("relative-iri", "credentialStatus.statusListCredential")]

    def test_iri_with_a_space_is_refused(self, credential: dict[str, Any]) -> None:
        credential["id"] = "http://localhost:8000/credentials/a b"
        assert _problems(credential) == [("relative-iri", "id")]

    def test_unknown_keyword_is_refused(self, credential: dict[str, Any]) -> None:
        credential["@comment"] = "not a keyword"
        assert _problems(credential) == [("dropped-property", "@comment")]

    def test_context_that_is_not_bundled_is_refused_without_fetching(
        self, credential: dict[str, Any]
    ) -> None:
        credential["@context"].append("https://example.com/private-context.jsonld")
        problems = find_problems(credential)
        assert [problem.kind for problem in problems] == ["invalid-json-ld"]
        assert "https://example.com/private-context.jsonld" in problems[0].detail

    def test_document_without_context_has_only_undefined_terms(self) -> None:
        assert _problems({"name": "x"}) == [("undefined-term", "name")]

    def test_every_problem_is_reported(self, credential: dict[str, Any]) -> None:
        credential["foo"] = 1
        credential["credentialSubject"]["bar"] = {"baz": "x"}
        assert _problems(credential) == [
            ("undefined-term", "credentialSubject.bar"),
            ("undefined-term", "credentialSubject.bar.baz"),
            ("undefined-term", "foo"),
        ]

    def test_input_document_is_not_modified(self, credential: dict[str, Any]) -> None:
        before = copy.deepcopy(credential)
        find_problems(credential)
        assert credential == before


class TestEnsureStrict:
    def test_strict_document_passes(self, credential: dict[str, Any]) -> None:
        ensure_strict(credential)

    def test_error_lists_every_offending_path(self, credential: dict[str, Any]) -> None:
        credential["credentialSubject"]["achievement"]["foo"] = "bar"
        credential["id"] = "relative"
        with pytest.raises(JsonLdRejected) as raised:
            ensure_strict(credential)
        assert {problem.path for problem in raised.value.problems} == {
            "id",
            "credentialSubject.achievement.foo",
        }
        assert "credentialSubject.achievement.foo" in str(raised.value)
