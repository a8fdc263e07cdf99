"""Per-shape templates give exactly the full pyld path's canonical form, or are not used."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.jsonld.shapes import document_shape, with_leaves
from badge_issuer.credentials.jsonld.strict import find_problems
from badge_issuer.credentials.jsonld.templates import SENTINEL_PREFIX
from badge_issuer.credentials.proofs import eddsa_rdfc_2022
from tests.credentials.factories import SIGNED_AT, make_credential, make_signer
from tests.credentials.strategies import credentials, https_urls, texts

# Leaf values that probe every way a substituted string could change the graph.
awkward_leaves = st.one_of(
    texts,
    st.sampled_from(
        [
            "",
            "relative/path",
            "#fragment",
            "_:b0",
            "urn:uuid:0f3c0f46-6b7f-4b0e-8a53-7c2b1f5a2d10",
            "tag:example.jp,2026:cert",
            "xsd:string",
            "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "https://example.jp/a b",
            "http://localhost:8000/credentials/same",
            "assertionMethod",
            "Achievement",
        ]
    ),
)


safe_iris = st.one_of(
    https_urls,
    st.uuids().map(lambda value: f"urn:uuid:{value}"),
    st.just("did:web:localhost%3A8000:issuers:default"),
    st.just("http://localhost:8000/credentials/same"),
)


def _learned(document: dict[str, Any]) -> Canonicalizer:
    """Return a canonicalizer that has learned the template of this document's shape."""
    canonicalizer = Canonicalizer(build_after=1)
    canonicalizer.canonical_form(document)
    assert canonicalizer.canonical_form(document).from_template
    return canonicalizer


def _assert_same_as_full(canonicalizer: Canonicalizer, document: dict[str, Any]) -> bool:
    """Assert the canonicalizer's answer equals the full path's; return if a template gave it."""
    form = canonicalizer.canonical_form(document)
    assert form.nquads == canonicalizer.canonicalize_full(document)
    assert form.problems == tuple(find_problems(document, canonicalizer.loader))
    return form.from_template


def _proof_config(document: dict[str, Any], **options: str) -> dict[str, Any]:
    proof_options = eddsa_rdfc_2022.proof_options(make_signer(), SIGNED_AT)
    return {**proof_options, **options, "@context": document["@context"]}


class TestShapes:
    def test_documents_differing_only_in_leaves_share_a_shape(self) -> None:
        first, _ = document_shape(make_credential(email="a@example.jp"))
        second, _ = document_shape(make_credential(email="b@example.jp", status_index=9))
        assert first == second

    def test_array_lengths_and_types_are_part_of_the_shape(self) -> None:
        base = make_credential()
        fewer = make_credential(evidence=[])
        retyped = copy.deepcopy(base)
        retyped["type"] = ["VerifiableCredential", "AchievementCredential"]
        shapes = {document_shape(doc)[0] for doc in (base, fewer, retyped)}
        assert len(shapes) == 3

    def test_with_leaves_restores_the_document(self) -> None:
        document = make_credential()
        _, leaves = document_shape(document)
        assert with_leaves(document, leaves) == document


class TestTemplateUse:
    def test_first_sightings_take_the_full_path(self) -> None:
        canonicalizer = Canonicalizer(build_after=2)
        document = make_credential()
        assert not canonicalizer.canonical_form(document).from_template
        assert not canonicalizer.canonical_form(document).from_template
        assert canonicalizer.canonical_form(document).from_template

    def test_template_serves_other_credentials_of_the_same_shape(self) -> None:
        canonicalizer = _learned(make_credential())
        other = make_credential(credential_uuid="other", email="x@example.jp", salt="ff")
        assert _assert_same_as_full(canonicalizer, other)

    def test_templates_can_be_switched_off(self) -> None:
        canonicalizer = Canonicalizer(use_templates=False)
        for _ in range(3):
            assert not canonicalizer.canonical_form(make_credential()).from_template

    def test_relative_iri_in_a_slot_falls_back_and_is_reported(self) -> None:
        canonicalizer = _learned(make_credential())
        document = make_credential()
        document["evidence"][0]["id"] = "cert/1"
        assert not _assert_same_as_full(canonicalizer, document)
        assert [p.path for p in canonicalizer.canonical_form(document).problems] == [
            "evidence[0].id"
        ]

    def test_iri_whose_scheme_is_a_context_term_falls_back(self) -> None:
        canonicalizer = _learned(make_credential())
        document = make_credential()
        document["evidence"][0]["id"] = "tag:example.jp,2026:cert"
        assert not _assert_same_as_full(canonicalizer, document)

    def test_two_slots_receiving_the_same_iri_merge_like_the_full_path(self) -> None:
        canonicalizer = _learned(make_credential())
        document = make_credential()
        document["evidence"][0]["id"] = document["id"]
        assert _assert_same_as_full(canonicalizer, document)

    def test_pinned_proof_purpose_gets_a_template_per_value(self) -> None:
        document = make_credential()
        canonicalizer = Canonicalizer(build_after=1)
        for purpose in ("assertionMethod", "authentication", "assertionMethod"):
            config = _proof_config(document, proofPurpose=purpose)
            canonicalizer.canonical_form(config)
            assert _assert_same_as_full(canonicalizer, config)

    def test_document_containing_the_sentinel_is_never_templated(self) -> None:
        canonicalizer = Canonicalizer(build_after=1)
        document = make_credential()
        document["name"] = SENTINEL_PREFIX + "0"
        for _ in range(3):
            assert not _assert_same_as_full(canonicalizer, document)

    def test_number_of_remembered_shapes_is_bounded(self) -> None:
        canonicalizer = Canonicalizer(build_after=1, max_shapes=2)
        for evidence_count in range(4):
            document = make_credential(evidence=[] if evidence_count == 0 else None)
            document["evidence"] = document.get("evidence", [])[:1] * evidence_count
            canonicalizer.canonical_form(document)
        assert len(canonicalizer._shapes) == 2


class TestTemplateEqualsFullPath:
    @settings(max_examples=30, deadline=None, derandomize=True)
    @given(credentials())
    def test_random_credentials(self, document: dict[str, Any]) -> None:
        canonicalizer = Canonicalizer(build_after=1)
        canonicalizer.canonical_form(document)
        assert _assert_same_as_full(canonicalizer, document)

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.data())
    def test_any_leaves_in_a_learned_shape(self, data: st.DataObject) -> None:
        canonicalizer = LEARNED_STANDARD_SHAPE
        document = make_credential()
        _, leaves = document_shape(document)
        new_leaves = [
            data.draw(st.just(leaf) | awkward_leaves, label=f"leaf {slot}")
            for slot, leaf in enumerate(leaves)
        ]
        _assert_same_as_full(canonicalizer, with_leaves(document, new_leaves))

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.data())
    def test_any_literals_and_absolute_iris_are_substituted(self, data: st.DataObject) -> None:
        canonicalizer = LEARNED_STANDARD_SHAPE
        document = make_credential()
        shape, leaves = document_shape(document)
        (template,) = canonicalizer._shapes[shape].templates
        new_leaves = [
            data.draw(safe_iris if slot in template.iri_slots else texts, label=f"leaf {slot}")
            for slot in range(len(leaves))
        ]
        assert _assert_same_as_full(canonicalizer, with_leaves(document, new_leaves))

    @settings(max_examples=30, deadline=None, derandomize=True)
    @given(created=texts, method=awkward_leaves, purpose=awkward_leaves)
    def test_any_proof_options(self, created: str, method: str, purpose: str) -> None:
        config = _proof_config(
            make_credential(), created=created, verificationMethod=method, proofPurpose=purpose
        )
        _assert_same_as_full(LEARNED_STANDARD_SHAPE, config)


LEARNED_STANDARD_SHAPE = _learned(make_credential())
LEARNED_STANDARD_SHAPE.canonical_form(_proof_config(make_credential()))
LEARNED_STANDARD_SHAPE.canonical_form(_proof_config(make_credential()))


@pytest.fixture(autouse=True)
def _proof_config_template_is_learned() -> None:
    assert LEARNED_STANDARD_SHAPE.canonical_form(_proof_config(make_credential())).from_template
