"""RDFC-1.0 on serialized quads (the simple case) agrees with pyld's full implementation."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.jsonld.nquads import serialize_term
from badge_issuer.credentials.jsonld.rdf import to_rdf_dataset
from badge_issuer.credentials.jsonld.rdfc import canonicalize_dataset
from badge_issuer.credentials.jsonld.rdfc_fast import BlankLayout, Quad, canonicalize_simple
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


_BLANKS = st.sampled_from(["_:b0", "_:b1", "_:b2", "_:b3", "_:c14n0"])
_IRIS = st.sampled_from(["<urn:x:1>", "<urn:x:2>", "<https://e.org/p>"])
_SLOTS = st.integers(min_value=0, max_value=5).map(lambda slot: (slot, False, ""))
_SUBJECTS = st.one_of(_BLANKS, _IRIS, _SLOTS)
_OBJECTS = st.one_of(_BLANKS, _IRIS, _SLOTS, st.sampled_from(['"a"', '"b"^^<urn:t>']))
_PATTERNS = st.lists(
    st.tuples(_SUBJECTS, _IRIS, _OBJECTS, st.one_of(st.just(""), _BLANKS, _IRIS)),
    min_size=1,
    max_size=12,
    unique=True,
)
_FILLINGS = st.lists(
    st.sampled_from(["<urn:v:1>", "<urn:v:2>", '"x"', '"y"']), min_size=6, max_size=6
)


class TestBlankLayout:
    """Blank nodes found once per template answer as `canonicalize_simple` on each filling."""

    @settings(max_examples=400, deadline=None)
    @given(_PATTERNS, _FILLINGS)
    def test_equals_canonicalize_simple_on_every_filling(
        self, patterns: list[tuple[Any, Any, Any, Any]], filling: list[str]
    ) -> None:
        texts = {(slot, False, ""): text for slot, text in enumerate(filling)}
        quads = [tuple(texts.get(term, term) for term in pattern) for pattern in patterns]
        layout = BlankLayout.of(patterns)
        if len(set(quads)) == len(quads):  # merged quads take canonicalize_simple itself
            assert layout.canonicalize(quads, texts) == canonicalize_simple(quads)  # type: ignore[arg-type]

    def test_a_shared_first_degree_hash_is_left_to_the_full_algorithm(self) -> None:
        patterns = [("_:b0", "<urn:p>", "_:b1", ""), ("_:b1", "<urn:p>", "_:b0", "")]
        layout = BlankLayout.of(patterns)
        assert layout.canonicalize(patterns, {}) is None
        assert canonicalize_simple(patterns) is None

    def test_a_credential_template_answers_as_pyld(self) -> None:
        document = make_credential()
        canonicalizer = Canonicalizer()
        for _ in range(4):  # seen enough times to be learned, then answered from the template
            form = canonicalizer.canonical_form(document)
        assert form.from_template
        assert form.nquads == canonicalizer.canonicalize_full(document)
