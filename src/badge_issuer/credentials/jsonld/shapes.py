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
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

# Markers of the flat token sequence a shape is made of. They are ints and object keys are
# strings, and every value after a marker has a fixed form, so two different structures can
# never give the same sequence.
_OBJECT, _END_OBJECT, _ARRAY, _END_ARRAY, _LEAF, _TEXT, _SCALAR, _CONTEXT = range(8)


class Shape:
    """The structure of a document as a flat token tuple, hashed once (it is a cache key)."""

    __slots__ = ("_hash", "tokens")

    def __init__(self, tokens: tuple[Any, ...]) -> None:
        self.tokens = tokens
        self._hash = hash(tokens)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shape) and self.tokens == other.tokens


def _steers_processing(key: str) -> bool:
    """Return whether string values under `key` are structure rather than leaves."""
    return key == "type" or (key.startswith("@") and key not in ("@id", "@value"))


def _tokens(value: Any, tokens: list[Any], leaves: list[str], structural: bool) -> None:
    """Append the tokens of `value`, and its leaves, in traversal order (sorted keys)."""
    kind = type(value)  # JSON's own types first: asking the ABCs costs more than the walk
    if kind is str or (kind is not dict and kind is not list and isinstance(value, str)):
        if structural:
            tokens += (_TEXT, value)
        else:
            tokens.append(_LEAF)
            leaves.append(value)
    elif kind is dict or (kind is not list and isinstance(value, Mapping)):
        tokens.append(_OBJECT)
        for key in sorted(value):
            tokens.append(key)
            if key == "@context":
                tokens += (_CONTEXT, _context_text(value[key]))
            else:
                _tokens(value[key], tokens, leaves, _steers_processing(key))
        tokens.append(_END_OBJECT)
    elif kind is list or isinstance(value, list):
        tokens.append(_ARRAY)
        for item in value:
            _tokens(item, tokens, leaves, structural)
        tokens.append(_END_ARRAY)
    else:
        tokens += (_SCALAR, kind.__name__, value)


def _context_text(context: Any) -> str:
    """Return a `@context` value as text (it is always part of the shape)."""
    if isinstance(context, str):
        return "url:" + context
    return "json:" + json.dumps(context, sort_keys=True, separators=(",", ":"))


def document_shape(document: Mapping[str, Any]) -> tuple[Shape, list[str]]:
    """Return the shape of a document and its string leaves, in a fixed traversal order."""
    tokens: list[Any] = []
    leaves: list[str] = []
    _tokens(document, tokens, leaves, structural=False)
    return Shape(tuple(tokens)), leaves


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
