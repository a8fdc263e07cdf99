"""RDFC-1.0 for the common case, on quads already serialized as canonical N-Quads terms.

When every blank node of a dataset has its own first-degree hash (RDFC-1.0 section 4.6), the
canonicalization algorithm (section 4.4.3) ends after step 5: canonical identifiers are issued
in the code point order of those hashes and no Hash N-Degree Quads run is needed. That is the
case for the credentials this service issues, and this module computes exactly that, working
on strings instead of pyld's term dicts. For any other dataset it returns None and the caller
uses pyld's full implementation (`rdfc.canonicalize_dataset`); tests check both agree.

Quads are `(subject, predicate, object, graph)` tuples of canonical N-Quads term strings
(`<iri>`, `_:label`, `"literal"…`), with `""` as the graph of the default graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

Quad = tuple[str, str, str, str]

_BLANK = "_:"
_CANONICAL_PREFIX = "_:c14n"


def _line(subject: str, predicate: str, obj: str, graph: str) -> str:
    """Return one canonical N-Quads line."""
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def _first_degree_hash(node: str, quads: Sequence[Quad]) -> str:
    """Hash the quads of one blank node with `_:a` for it and `_:z` for others (section 4.6)."""
    lines = []
    for subject, predicate, obj, graph in quads:
        if subject.startswith(_BLANK):
            subject = "_:a" if subject == node else "_:z"
        if obj.startswith(_BLANK):
            obj = "_:a" if obj == node else "_:z"
        if graph.startswith(_BLANK):
            graph = "_:a" if graph == node else "_:z"
        lines.append(_line(subject, predicate, obj, graph))
    lines.sort()
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def _quads_by_blank_node(quads: Sequence[Quad]) -> dict[str, list[Quad]]:
    """Map each blank node to the quads it occurs in (once per occurrence, as pyld does)."""
    by_node: dict[str, list[Quad]] = {}
    for quad in quads:
        for term in (quad[0], quad[2], quad[3]):
            if term.startswith(_BLANK):
                by_node.setdefault(term, []).append(quad)
    return by_node


def canonicalize_simple(quads: Sequence[Quad]) -> str | None:
    """Return the serialized canonical form, or None if two blank nodes share a first hash."""
    by_node = _quads_by_blank_node(quads)
    hashes = {_first_degree_hash(node, node_quads): node for node, node_quads in by_node.items()}
    if len(hashes) != len(by_node) or any(node.startswith(_CANONICAL_PREFIX) for node in by_node):
        return None
    return _relabelled(quads, hashes)


@dataclass(frozen=True)
class BlankLayout:
    """Where the blank nodes of fixed quad patterns are: found once, for every filling.

    A pattern's terms are constants (canonical term strings: blank nodes are among them) or
    opaque slot keys that a filling turns into IRIs or literals, never blank nodes. Each node's
    first-degree quads (section 4.6) are then known in advance, with `_:a` and `_:z` already in
    place; only the slots' texts change from one filling to the next.
    """

    nodes: tuple[str, ...]
    hash_patterns: tuple[tuple[tuple[Hashable, ...], ...], ...]

    @classmethod
    def of(cls, patterns: Sequence[tuple[Hashable, Hashable, Hashable, Hashable]]) -> BlankLayout:
        """Return the layout of quad patterns (subject, predicate, object, graph)."""
        by_node: dict[str, list[tuple[Hashable, ...]]] = {}
        for pattern in patterns:
            for position in (0, 2, 3):
                term = pattern[position]
                if isinstance(term, str) and term.startswith(_BLANK):
                    by_node.setdefault(term, []).append(pattern)
        hash_patterns = tuple(
            tuple(
                tuple(
                    _stand_in(term, node) if position != 1 else term
                    for position, term in enumerate(pattern)
                )
                for pattern in node_patterns
            )
            for node, node_patterns in by_node.items()
        )
        return cls(tuple(by_node), hash_patterns)

    def canonicalize(self, quads: Sequence[Quad], texts: Mapping[Hashable, str]) -> str | None:
        """Return what `canonicalize_simple(quads)` returns, for `quads` filled from the patterns.

        `quads` are the patterns in order with each slot key replaced by its text in `texts`
        (constants stay as they are), and no two of them equal: merged quads change which
        quads a node is in, so the caller then uses `canonicalize_simple`.
        """
        text = texts.get
        if any(node.startswith(_CANONICAL_PREFIX) for node in self.nodes):
            return None
        hashes: dict[str, str] = {}
        for node, patterns in zip(self.nodes, self.hash_patterns, strict=True):
            lines = [
                _line(
                    text(subject, subject),  # type: ignore[arg-type]
                    text(predicate, predicate),  # type: ignore[arg-type]
                    text(obj, obj),  # type: ignore[arg-type]
                    text(graph, graph),  # type: ignore[arg-type]
                )
                for subject, predicate, obj, graph in patterns
            ]
            lines.sort()
            hashes[hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()] = node
        if len(hashes) != len(self.nodes):
            return None
        return _relabelled(quads, hashes)


def _stand_in(term: Hashable, node: str) -> Hashable:
    """The term as a first-degree hash of `node` writes it: `_:a` for it, `_:z` for others."""
    if isinstance(term, str) and term.startswith(_BLANK):
        return "_:a" if term == node else "_:z"
    return term


def _relabelled(quads: Sequence[Quad], hashes: dict[str, str]) -> str:
    """Serialize the quads with canonical labels issued in the order of their nodes' hashes."""
    labels = {
        node: f"{_CANONICAL_PREFIX}{index}"
        for index, (_, node) in enumerate(sorted(hashes.items()))
    }
    lines = [
        _line(
            labels.get(subject, subject),
            predicate,
            labels.get(obj, obj),
            labels.get(graph, graph),
        )
        for subject, predicate, obj, graph in quads
    ]
    lines.sort()
    return "".join(lines)
