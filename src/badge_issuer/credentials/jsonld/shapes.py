"""Document shapes: a JSON-LD document split into its structure and its string leaves.

Two documents have the same shape when they differ only in string values outside `@context`,
`type` and keywords. Such strings are "leaves": JSON-LD turns each one into a literal or an
IRI without looking at its content (the term definition decides), so the RDF of one shape can
be computed once and the leaves substituted (see `templates.py`). Everything that does steer
JSON-LD processing - keys, `@context`, `type` values (they select type-scoped contexts),
keyword values, numbers, booleans, nulls, array lengths - is part of the shape itself.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

_LEAF = 0  # stands for a string leaf inside a shape; every other value there is a tuple


def _steers_processing(key: str) -> bool:
    """Return whether string values under `key` are structure rather than leaves."""
    return key == "type" or (key.startswith("@") and key not in ("@id", "@value"))


def _shape(value: Any, leaves: list[str], structural: bool) -> Hashable:
    """Return the shape of `value`, appending its leaves in traversal order (sorted keys)."""
    if isinstance(value, str):
        if structural:
            return ("s", value)
        leaves.append(value)
        return _LEAF
    if isinstance(value, Mapping):
        return ("{", *(_entry_shape(key, value[key], leaves) for key in sorted(value)))
    if isinstance(value, list):
        return ("[", *(_shape(item, leaves, structural) for item in value))
    return (type(value).__name__, value)


def _entry_shape(key: str, value: Any, leaves: list[str]) -> Hashable:
    """Return the shape of one object entry."""
    if key == "@context":
        return (key, _context_shape(value))
    return (key, _shape(value, leaves, _steers_processing(key)))


def _context_shape(context: Any) -> Hashable:
    """Return a hashable form of a `@context` value (always part of the shape)."""
    if isinstance(context, str):
        return ("c", context)
    return ("c", json.dumps(context, sort_keys=True, separators=(",", ":")))


def document_shape(document: Mapping[str, Any]) -> tuple[Hashable, list[str]]:
    """Return the shape of a document and its string leaves, in a fixed traversal order."""
    leaves: list[str] = []
    return _shape(document, leaves, structural=False), leaves


def _rebuild(value: Any, leaves: Iterator[str], structural: bool) -> Any:
    """Return a copy of `value` with its leaves replaced, visiting them as `_shape` does."""
    if isinstance(value, str):
        return value if structural else next(leaves)
    if isinstance(value, Mapping):
        return {
            key: value[key]
            if key == "@context"
            else _rebuild(value[key], leaves, _steers_processing(key))
            for key in sorted(value)
        }
    if isinstance(value, list):
        return [_rebuild(item, leaves, structural) for item in value]
    return value


def with_leaves(document: Mapping[str, Any], leaves: Sequence[str]) -> dict[str, Any]:
    """Return a copy of `document` whose leaves are `leaves` (same order as `document_shape`)."""
    rebuilt: dict[str, Any] = _rebuild(document, iter(leaves), structural=False)
    return rebuilt


def context_terms(value: Any) -> Iterator[str]:
    """Yield every term name defined in any `@context` found in `value`, scoped ones included."""
    if isinstance(value, list):
        for item in value:
            yield from context_terms(item)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key == "@context":
                yield from _terms_of_context(item)
            else:
                yield from context_terms(item)


def _terms_of_context(context: Any) -> Iterator[str]:
    """Yield the term names a context value defines, descending into scoped contexts."""
    for local in context if isinstance(context, list) else [context]:
        if not isinstance(local, Mapping):
            continue
        for term, definition in local.items():
            if not term.startswith("@"):
                yield term
            if isinstance(definition, Mapping) and "@context" in definition:
                yield from _terms_of_context(definition["@context"])
