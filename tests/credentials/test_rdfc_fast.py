"""RDFC-1.0 on serialized quads (the simple case) agrees with pyld's full implementation."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.jsonld.nquads import serialize_term
from badge_issuer.credentials.jsonld.rdf import to_rdf_dataset
from badge_issuer.credentials.jsonld.rdfc import canonicalize_dataset
from badge_issuer.credentials.jsonld.rdfc_fast import Quad, canonicalize_simple
from badge_issuer.credentials.ob3 import Evidence
from tests.credentials.factories import make_credential
from tests.credentials.shared_vectors import vector_json, vector_loader, vector_text
from tests.credentials.strategies import credentials

Dataset = dict[str, list[dict[str, Any]]]


def _serialized(dataset: Dataset) -> list[Quad]:
    """Return pyld's dataset as (subject, predicate, object, graph) canonical term strings."""
    quads = []
    for graph_name, triples in dataset.items():
        graph = ""
        if graph_name != "@default":
            kind = "blank node" if graph_name.startswith("_:") else "IRI"
            graph = serialize_term({"type": kind, "value": graph_name})
        for triple in triples:
            terms = (triple["subject"], triple["predicate"], triple["object"])
            subject, predicate, obj = (serialize_term(term) for term in terms)
            quads.append((subject, predicate, obj, graph))
    return quads


def _both(document: dict[str, Any]) -> tuple[str | None, str]:
    """Return the simple-case answer and pyld's, for one document."""
    loader = vector_loader()
    simple = canonicalize_simple(_serialized(to_rdf_dataset(document, loader)))
    return simple, canonicalize_dataset(to_rdf_dataset(document, loader))


def _blank(label: str) -> dict[str, str]:
    return {"type": "blank node", "value": label}


class TestCanonicalizeSimple:
    def test_vectors_with_blank_nodes_match_the_published_form(self) -> None:
        simple, full = _both(vector_json("employmentAuth.json"))
        assert simple == full == vector_text("employ", "canonDocDataInt.txt")

    def test_assembled_credential_matches_pyld(self) -> None:
        simple, full = _both(make_credential())
        assert simple == full

    def test_blank_nodes_sharing_a_first_degree_hash_are_left_to_pyld(self) -> None:
        twins = [Evidence(name="certificate"), Evidence(name="certificate")]
        simple, _ = _both(make_credential(evidence=twins))
        assert simple is None

    def test_self_referencing_blank_node_is_hashed_as_pyld_does(self) -> None:
        name = {"type": "IRI", "value": "https://schema.org/knows"}
        dataset: Dataset = {
            "@default": [
                {"subject": _blank("_:b0"), "predicate": name, "object": _blank("_:b0")},
                {"subject": _blank("_:b1"), "predicate": name, "object": _blank("_:b0")},
            ]
        }
        simple = canonicalize_simple(_serialized(dataset))
        assert simple is not None
        assert simple == canonicalize_dataset(dataset)

    @settings(max_examples=30, deadline=None, derandomize=True)
    @given(credentials())
    def test_random_credentials_match_pyld(self, document: dict[str, Any]) -> None:
        simple, full = _both(document)
        assert simple in (None, full)


class TestTemplateFallback:
    def test_template_with_twin_blank_nodes_falls_back_to_pyld_and_agrees(self) -> None:
        document = make_credential(evidence=[Evidence(name="c"), Evidence(name="c")])
        canonicalizer = Canonicalizer(build_after=1)
        canonicalizer.canonical_form(document)
        form = canonicalizer.canonical_form(document)
        assert form.from_template
        assert form.nquads == canonicalizer.canonicalize_full(document)
