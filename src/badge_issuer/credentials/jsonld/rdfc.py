"""RDFC-1.0 (W3C RDF Dataset Canonicalization, 2024), with a bound on its work.

The algorithm is run on quads whose terms are already canonical N-Quads strings (`<iri>`,
`_:label`, `"literal"…`), so the serialisations it hashes (sections 4.6, 4.7) and the one it
outputs (section 4.3 step 7, section 5) are canonical by construction (`nquads.py`).

Why not pyld's URDNA2015: it has no bound. Hash N-Degree Quads (section 4.8) enumerates the
permutations of blank nodes that share a hash, recursively; a "poison graph" (section 4.8.1:
a few mutually linked blank nodes) makes that factorial. A credential whose evidence was 8
such nodes cost pyld 55 s (FINDINGS.md). The specification asks implementations to bound this
work and end with an error; here every Hash N-Degree Quads call and every permutation it tries
costs one unit of a budget (`max_work`), and running out raises CanonicalizationLimitExceeded.
The default budget accepts every positive test of the W3C RDFC-1.0 suite, including the
"computable" poison graphs test044-test046, and refuses test074 (a 10-node clique).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from badge_issuer.credentials.jsonld.nquads import serialize_term

# (subject, predicate, object, graph) as canonical N-Quads terms; "" is the default graph.
Quad = tuple[str, str, str, str]
Dataset = Mapping[str, list[dict[str, Any]]]

DEFAULT_MAX_WORK = 10_000
HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}
_BLANK = "_:"
_CANONICAL_PREFIX = "c14n"


class CanonicalizationLimitExceeded(ValueError):
    """The dataset needs more Hash N-Degree Quads work than allowed (RDFC-1.0 section 4.8.1)."""

    def __init__(self, max_work: int) -> None:
        super().__init__(
            "RDF canonicalization refused: the blank nodes form a graph whose canonical form "
            f"needs more than {max_work} steps of the N-degree hash (a poison graph)"
        )
        self.max_work = max_work


@dataclass
class IdentifierIssuer:
    """Issues `prefix` + counter identifiers in order (section 4.5)."""

    prefix: str
    issued: dict[str, str] = field(default_factory=dict)

    def issue(self, existing: str) -> str:
        """Return the identifier issued for `existing`, issuing the next one if needed."""
        found = self.issued.get(existing)
        if found is None:
            found = self.issued[existing] = f"{self.prefix}{len(self.issued)}"
        return found

    def copy(self) -> IdentifierIssuer:
        """Return an independent copy (the algorithm explores alternatives on copies)."""
        return IdentifierIssuer(self.prefix, dict(self.issued))


@dataclass(frozen=True)
class CanonicalDataset:
    """The serialized canonical form and the issued identifiers map (section 4.4.3 step 7)."""

    nquads: str
    issued: Mapping[str, str]


def _line(subject: str, predicate: str, obj: str, graph: str) -> str:
    """Return one N-Quads line of canonical terms."""
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


class _State:
    """The canonicalization state of section 4.2, plus the work budget."""

    def __init__(self, quads: Sequence[Quad], hash_name: str, max_work: int) -> None:
        if hash_name not in HASH_ALGORITHMS:
            raise ValueError(f"unsupported hash algorithm {hash_name!r}")
        self.hash = HASH_ALGORITHMS[hash_name]
        self.max_work = max_work
        self.work = 0
        self.quads = quads
        self.blank_node_to_quads: dict[str, list[Quad]] = {}
        self.canonical = IdentifierIssuer(_CANONICAL_PREFIX)
        self._first_degree: dict[str, str] = {}

    def spend(self) -> None:
        """Count one unit of N-degree work; refuse when the budget is spent."""
        self.work += 1
        if self.work > self.max_work:
            raise CanonicalizationLimitExceeded(self.max_work)

    def digest(self, text: str) -> str:
        return str(self.hash(text.encode("utf-8")).hexdigest())

    def hash_first_degree(self, node: str) -> str:
        """Hash the quads of one blank node, `_:a` for it and `_:z` for others (section 4.6)."""
        known = self._first_degree.get(node)
        if known is not None:
            return known
        lines = []
        for subject, predicate, obj, graph in self.blank_node_to_quads[node]:
            terms = [
                ("_:a" if term == _BLANK + node else "_:z") if term.startswith(_BLANK) else term
                for term in (subject, obj, graph)
            ]
            lines.append(_line(terms[0], predicate, terms[1], terms[2]))
        lines.sort()
        self._first_degree[node] = found = self.digest("".join(lines))
        return found

    def hash_related(
        self, related: str, quad: Quad, issuer: IdentifierIssuer, position: str
    ) -> str:
        """Hash a blank node related to another one by `quad` (section 4.7)."""
        if related in self.canonical.issued:
            identifier = _BLANK + self.canonical.issued[related]
        elif related in issuer.issued:
            identifier = _BLANK + issuer.issued[related]
        else:
            identifier = self.hash_first_degree(related)
        predicate = quad[1] if position != "g" else ""
        return self.digest(position + predicate + identifier)

    def hash_n_degree(self, node: str, issuer: IdentifierIssuer) -> tuple[str, IdentifierIssuer]:
        """Hash a blank node by the paths to its related blank nodes (section 4.8)."""
        self.spend()
        hash_to_related: dict[str, list[str]] = {}
        for quad in self.blank_node_to_quads[node]:
            for term, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term.startswith(_BLANK) and term != _BLANK + node:
                    related = term[2:]
                    hashed = self.hash_related(related, quad, issuer, position)
                    hash_to_related.setdefault(hashed, []).append(related)
        data = []
        for related_hash in sorted(hash_to_related):
            data.append(related_hash)
            chosen_path, chosen_issuer = "", None
            for permutation in _permutations(hash_to_related[related_hash]):
                self.spend()
                found = self._path(permutation, issuer, chosen_path)
                if found is not None:
                    chosen_path, chosen_issuer = found
            data.append(chosen_path)
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return self.digest("".join(data)), issuer

    def _path(
        self, permutation: Sequence[str], issuer: IdentifierIssuer, chosen_path: str
    ) -> tuple[str, IdentifierIssuer] | None:
        """Steps 5.4.1-5.4.6 for one permutation: its path if it beats `chosen_path`."""
        issuer_copy = issuer.copy()
        path = ""
        recursion_list = []
        for related in permutation:
            if related in self.canonical.issued:
                path += _BLANK + self.canonical.issued[related]
            else:
                if related not in issuer_copy.issued:
                    recursion_list.append(related)
                path += _BLANK + issuer_copy.issue(related)
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        for related in recursion_list:
            result_hash, issuer_copy = self.hash_n_degree(related, issuer_copy)
            path += _BLANK + issuer_copy.issue(related) + "<" + result_hash + ">"
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        if not chosen_path or path < chosen_path:
            return path, issuer_copy
        return None


def _permutations(items: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """Yield every ordering of `items` lazily (the budget stops a factorial enumeration)."""
    if len(items) <= 1:
        yield tuple(items)
        return
    for index, first in enumerate(items):
        rest = [*items[:index], *items[index + 1 :]]
        for tail in _permutations(rest):
            yield (first, *tail)


def canonicalize_quads(
    quads: Iterable[Quad], *, hash_name: str = "sha256", max_work: int = DEFAULT_MAX_WORK
) -> CanonicalDataset:
    """Return the canonical form of a dataset (section 4.4), or raise the work-limit error."""
    unique = list(dict.fromkeys(quads))  # a dataset is a set: repeated quads count once
    state = _State(unique, hash_name, max_work)
    for quad in unique:
        for term in (quad[0], quad[2], quad[3]):
            if term.startswith(_BLANK):
                state.blank_node_to_quads.setdefault(term[2:], []).append(quad)
    hash_to_nodes: dict[str, list[str]] = {}
    for node in state.blank_node_to_quads:
        hash_to_nodes.setdefault(state.hash_first_degree(node), []).append(node)
    shared: list[list[str]] = []
    for hashed in sorted(hash_to_nodes):
        nodes = hash_to_nodes[hashed]
        if len(nodes) == 1:
            state.canonical.issue(nodes[0])
        else:
            shared.append(nodes)
    for nodes in shared:
        paths = []
        for node in nodes:
            if node in state.canonical.issued:
                continue
            temporary = IdentifierIssuer("b")
            temporary.issue(node)
            paths.append(state.hash_n_degree(node, temporary))
        for _, issuer in sorted(paths, key=lambda result: result[0]):
            for existing in issuer.issued:
                state.canonical.issue(existing)
    return CanonicalDataset(_relabelled(unique, state.canonical.issued), state.canonical.issued)


def _relabelled(quads: Sequence[Quad], labels: Mapping[str, str]) -> str:
    """Serialize the quads with canonical blank node labels, sorted (section 4.4.3 step 7)."""

    def term(value: str) -> str:
        return _BLANK + labels[value[2:]] if value.startswith(_BLANK) else value

    lines = {_line(term(s), p, term(o), term(g)) for s, p, o, g in quads}
    return "".join(sorted(lines))


def dataset_quads(dataset: Dataset) -> list[Quad]:
    """Return pyld's dataset shape (graph name -> triple dicts) as canonical-term quads."""
    quads = []
    for triples in dataset.values():
        for triple in triples:
            graph = triple.get("name")
            quads.append(
                (
                    serialize_term(triple["subject"]),
                    serialize_term(triple["predicate"]),
                    serialize_term(triple["object"]),
                    serialize_term(graph) if graph is not None else "",
                )
            )
    return quads


def canonicalize_dataset(dataset: Dataset, *, max_work: int = DEFAULT_MAX_WORK) -> str:
    """Return the RDFC-1.0 serialized canonical form of a pyld dataset (sections 4.4 and 5)."""
    return canonicalize_quads(dataset_quads(dataset), max_work=max_work).nquads
