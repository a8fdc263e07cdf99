"""Per-shape RDF templates: the dataset of a document shape, computed once, leaves substituted.

Building a template runs the full pyld path on a probe copy of the document whose leaves are
replaced by unique sentinel IRIs, and records where each sentinel lands in the RDF: as a literal
(any string may go there) or as an IRI (only a value that JSON-LD would leave unchanged may go
there: an absolute IRI whose scheme is not a term or prefix any context could expand). A leaf
that lands anywhere else, or nowhere, is pinned: the template then holds for that exact value
only. Substitution yields a dataset that RDFC-1.0 canonicalizes like any other; the canonicalizer
checks every new template against the full path before trusting it (see `canonicalizer.py`).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from badge_issuer.credentials.jsonld.loader import StaticDocumentLoader
from badge_issuer.credentials.jsonld.nquads import escape_iri, escape_literal, serialize_term
from badge_issuer.credentials.jsonld.rdf import to_rdf_dataset
from badge_issuer.credentials.jsonld.rdfc import canonicalize_dataset
from badge_issuer.credentials.jsonld.rdfc_fast import BlankLayout, Quad, canonicalize_simple
from badge_issuer.credentials.jsonld.shapes import with_leaves
from badge_issuer.credentials.jsonld.strict import is_absolute_iri

SENTINEL_PREFIX = "urn:x-badge-issuer:template-slot:"
_SENTINEL = re.compile(re.escape(SENTINEL_PREFIX) + r"(\d+)")
_MAX_ROUNDS = 4
_NO_SLOT = -1

# (kind, constant value or None, slot or -1, datatype, language); kind is pyld's term type.
TermPattern = tuple[str, str | None, int, str | None, str | None]
# A term's canonical text, or (slot, is literal, text after the literal's lexical form).
TermRendering = str | tuple[int, bool, str]
QuadPattern = tuple[TermPattern, TermPattern, TermPattern, TermPattern | None]
Dataset = dict[str, list[dict[str, Any]]]


def sentinel(slot: int) -> str:
    """Return the probe value put in leaf `slot` while a template is built."""
    return f"{SENTINEL_PREFIX}{slot}"


@dataclass(frozen=True)
class Template:
    """The RDF of one document shape with its leaves left as slots."""

    pinned: Mapping[int, str]
    iri_slots: frozenset[int]
    quads: tuple[QuadPattern, ...]
    reserved_terms: frozenset[str]
    rendering: tuple[tuple[TermRendering, ...], ...] = field(init=False, repr=False)
    slot_renderings: frozenset[tuple[int, bool, str]] = field(init=False, repr=False)
    blank_layout: BlankLayout = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rendering = tuple(
            (
                _rendering(subject),
                _rendering(predicate),
                _rendering(obj),
                _rendering(graph) if graph else "",
            )
            for subject, predicate, obj, graph in self.quads
        )
        object.__setattr__(self, "rendering", rendering)
        slot_renderings = {term for quad in rendering for term in quad if not isinstance(term, str)}
        object.__setattr__(self, "slot_renderings", frozenset(slot_renderings))
        object.__setattr__(self, "blank_layout", BlankLayout.of(rendering))

    def accepts(self, leaves: Sequence[str]) -> bool:
        """Return whether substituting `leaves` gives the same RDF as the full path would."""
        if any(leaves[slot] != value for slot, value in self.pinned.items()):
            return False
        return all(self._leaves_iri_unchanged(leaves[slot]) for slot in self.iri_slots)

    def _leaves_iri_unchanged(self, value: str) -> bool:
        """Return whether JSON-LD IRI expansion returns `value` itself, whatever the context."""
        if not is_absolute_iri(value) or value in self.reserved_terms:
            return False
        return value.split(":", 1)[0] not in self.reserved_terms

    def canonical_nquads(self, leaves: Sequence[str]) -> str:
        """Return the RDFC-1.0 canonical N-Quads of a document with these leaves."""
        # Each slot is rendered once, however many quads it is in; `text(term, term)` leaves
        # the constant terms (plain strings) as they are.
        texts: dict[TermRendering, TermRendering] = {
            rendering: _text(rendering, leaves) for rendering in self.slot_renderings
        }
        text = texts.get
        quads = [
            (text(subject, subject), text(predicate, predicate), text(obj, obj), text(graph, graph))
            for subject, predicate, obj, graph in self.rendering
        ]
        if len(set(quads)) == len(quads):
            canonical = self.blank_layout.canonicalize(
                cast(list[Quad], quads), cast(Mapping[Hashable, str], texts)
            )
        else:  # two slots received the same IRI, merging quads: keep one of each, as RDF does
            canonical = canonicalize_simple(cast(list[Quad], list(dict.fromkeys(quads))))
        return canonical if canonical is not None else canonicalize_dataset(self.dataset(leaves))

    def dataset(self, leaves: Sequence[str]) -> Dataset:
        """Return the RDF dataset (pyld's shape) of a document with these leaves."""
        graphs: Dataset = {}
        seen: set[tuple[Any, ...]] = set()
        for subject, predicate, obj, graph in self.quads:
            terms = (
                _fill(subject, leaves),
                _fill(predicate, leaves),
                _fill(obj, leaves),
                _fill(graph, leaves) if graph else None,
            )
            # Two slots may receive the same IRI, merging nodes: RDF datasets are sets.
            if terms in seen:
                continue
            seen.add(terms)
            graph_name = str(terms[3][1]) if terms[3] else "@default"
            graphs.setdefault(graph_name, []).append(
                {
                    "subject": _term(terms[0]),
                    "predicate": _term(terms[1]),
                    "object": _term(terms[2]),
                }
            )
        return graphs


def _rendering(pattern: TermPattern) -> TermRendering:
    """Return a term's canonical N-Quads text, or how to render it from its slot."""
    kind, _, slot, datatype, language = pattern
    if slot == _NO_SLOT:
        return serialize_term(_term(pattern))
    if kind != "literal":
        return (slot, False, "")
    # The text after the opening quote of an empty literal: `"` plus any `^^<…>` or `@lang`.
    suffix = serialize_term(_term(("literal", "", _NO_SLOT, datatype, language)))[1:]
    return (slot, True, suffix)


def _text(rendering: TermRendering, leaves: Sequence[str]) -> str:
    """Return a term's canonical text: constant, or an IRI or literal rendered from its slot."""
    if isinstance(rendering, str):
        return rendering
    slot, is_literal, suffix = rendering
    if is_literal:
        return '"' + escape_literal(leaves[slot]) + suffix
    return "<" + escape_iri(leaves[slot]) + ">"


def _fill(pattern: TermPattern, leaves: Sequence[str]) -> TermPattern:
    """Return the pattern with its slot (if any) replaced by the leaf value."""
    kind, _, slot, datatype, language = pattern
    if slot == _NO_SLOT:
        return pattern
    return (kind, leaves[slot], _NO_SLOT, datatype, language)


def _term(pattern: TermPattern) -> dict[str, Any]:
    """Return pyld's dict form of a filled term pattern."""
    kind, value, _, datatype, language = pattern
    if kind != "literal":
        return {"type": kind, "value": value}
    term = {"type": "literal", "value": value, "datatype": datatype}
    if language is not None:
        term["language"] = language
    return term


class _Probe:
    """Where the sentinels of one probe expansion landed."""

    def __init__(self) -> None:
        self.iri_slots: set[int] = set()
        self.literal_slots: set[int] = set()
        self.misplaced_slots: set[int] = set()
        self.quads: list[QuadPattern] = []

    def pattern(self, term: Mapping[str, Any]) -> TermPattern:
        """Return the pattern of one pyld term, noting which slot (if any) it carries."""
        kind, value = term["type"], term["value"]
        datatype, language = term.get("datatype"), term.get("language")
        for text in (datatype or "", language or ""):
            self.misplaced_slots.update(int(slot) for slot in _SENTINEL.findall(text))
        exact = _SENTINEL.fullmatch(value)
        if exact is None or kind == "blank node":
            self.misplaced_slots.update(int(slot) for slot in _SENTINEL.findall(value))
            return (kind, value, _NO_SLOT, datatype, language)
        slot = int(exact.group(1))
        (self.literal_slots if kind == "literal" else self.iri_slots).add(slot)
        return (kind, None, slot, datatype, language)


def _probe(dataset: Dataset) -> _Probe:
    """Return the quad patterns of a probe dataset and where its sentinels landed."""
    probe = _Probe()
    for graph_name, triples in dataset.items():
        graph: TermPattern | None = None
        if graph_name != "@default":
            kind = "blank node" if graph_name.startswith("_:") else "IRI"
            graph = probe.pattern({"type": kind, "value": graph_name})
        for triple in triples:
            probe.quads.append(
                (
                    probe.pattern(triple["subject"]),
                    probe.pattern(triple["predicate"]),
                    probe.pattern(triple["object"]),
                    graph,
                )
            )
    return probe


def build_template(
    document: Mapping[str, Any],
    leaves: Sequence[str],
    loader: StaticDocumentLoader,
    reserved_terms: frozenset[str],
) -> Template | None:
    """Return the template of a document's shape, or None if its leaves cannot be slots."""
    if any(SENTINEL_PREFIX in leaf for leaf in leaves):
        return None
    pinned: set[int] = set()
    for _ in range(_MAX_ROUNDS):
        probe_leaves = [
            leaf if slot in pinned else sentinel(slot) for slot, leaf in enumerate(leaves)
        ]
        probe = _probe(to_rdf_dataset(with_leaves(document, probe_leaves), loader))
        template = Template(
            pinned={slot: leaves[slot] for slot in pinned},
            iri_slots=frozenset(probe.iri_slots),
            quads=tuple(probe.quads),
            reserved_terms=reserved_terms,
        )
        landed = probe.iri_slots | probe.literal_slots
        to_pin = {slot for slot in range(len(leaves)) if slot not in landed} - pinned
        to_pin |= probe.misplaced_slots | probe.iri_slots & probe.literal_slots
        to_pin |= {
            slot for slot in probe.iri_slots if not template._leaves_iri_unchanged(leaves[slot])
        }
        if not to_pin - pinned:
            return template
        pinned |= to_pin
    return None
