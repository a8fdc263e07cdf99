"""Strict JSON-LD: refuse what pyld would silently drop or rewrite before it is signed or trusted.

pyld has no "safe mode" (FINDINGS.md #2): a term the contexts do not define is dropped from the
expansion, an undefined `type` becomes a relative IRI, and a relative IRI in an `id` is either
dropped or resolved against a made-up base. Each of these makes the signed graph differ from
the JSON a person reads. jsonld.js in safe mode rejects them; so does this module.

How: the document is expanded once with two additions that make every such case visible in the
output, and the output is walked.
- A leading inline context sets `@vocab` to a marker namespace, so an undefined property or type
  expands to an IRI in that namespace instead of vanishing. Contexts that set `@vocab`
  themselves (the W3C examples context) come later and win, as they should.
- Every node object gets a marker property holding its JSON path, so each problem is reported
  at the path of the JSON that caused it (for example `credentialSubject.achievement.foo`).
Relative IRIs survive expansion because it runs without a base IRI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pyld import jsonld

from badge_issuer.credentials.jsonld.loader import (
    PYLD_LOCK,
    ContextNotAllowed,
    StaticDocumentLoader,
    default_loader,
)

UNDEFINED_TERM_VOCAB = "urn:x-badge-issuer:undefined-term:"
JSON_PATH_MARKER = "urn:x-badge-issuer:json-path"

# An absolute IRI (scheme ":" rest) whose characters are all allowed in an N-Quads IRIREF.
_ABSOLUTE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\\x7f]*$')
_BLANK_NODE_ID = re.compile(r"^_:\S+$")
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
_NOT_NODE_KEYS = frozenset({"@value", "@list", "@set"})

ProblemKind = Literal[
    "undefined-term", "undefined-type", "relative-iri", "dropped-property", "invalid-json-ld"
]


@dataclass(frozen=True)
class JsonLdProblem:
    """One reason a document is not strict JSON-LD, at the JSON path that causes it."""

    kind: ProblemKind
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"


class JsonLdRejected(ValueError):
    """A document uses undefined terms or types, or relative IRIs, and cannot be signed."""

    def __init__(self, problems: list[JsonLdProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


def is_absolute_iri(value: str) -> bool:
    """Return whether `value` is an absolute IRI that canonical N-Quads can carry unescaped."""
    return _ABSOLUTE_IRI.match(value) is not None


def _join(path: str, key: str | int) -> str:
    """Append an object key or array index to a JSON path."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _with_path_markers(value: Any, path: str) -> Any:
    """Return a copy of `value` where every node object carries its JSON path in a marker."""
    if isinstance(value, list):
        return [_with_path_markers(item, _join(path, index)) for index, item in enumerate(value)]
    if not isinstance(value, Mapping):
        return value
    marked = {
        key: item if key == "@context" else _with_path_markers(item, _join(path, key))
        for key, item in value.items()
    }
    if not _NOT_NODE_KEYS.intersection(value):
        marked[JSON_PATH_MARKER] = path or "$"
    return marked


def _probe_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return the document with path markers and the undefined-term `@vocab` context in front."""
    probe = _with_path_markers(document, "")
    contexts = document.get("@context", [])
    contexts = contexts if isinstance(contexts, list) else [contexts]
    probe["@context"] = [{"@vocab": UNDEFINED_TERM_VOCAB}, *contexts]
    return dict(probe)


def _error_message(error: BaseException) -> str:
    """Return the most specific message in an exception chain, in plain words.

    pyld wraps the real cause, and its `str()` adds `Type: jsonld.CyclicalContext`, the code
    and `Details: {…}` (a dump of the offending context): library internals, not a report.
    The innermost pyld error's own sentence and its JSON-LD error code are kept.
    """
    innermost: BaseException = error
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ContextNotAllowed):
            return str(cause)
        if isinstance(cause, jsonld.JsonLdError):
            innermost = cause
        details = getattr(cause, "details", None)
        nested = details.get("cause") if isinstance(details, dict) else None
        cause = cause.__cause__ or (nested if isinstance(nested, BaseException) else None)
    return plain_jsonld_message(innermost)


def plain_jsonld_message(error: BaseException) -> str:
    """`Cyclical context definition detected (cyclic IRI mapping)`: no type, no details."""
    sentence = str(error.args[0]) if error.args else type(error).__name__
    sentence = sentence.strip().rstrip(".") or "the JSON-LD cannot be processed"
    code = getattr(error, "code", None)
    return f"{sentence} ({code})" if isinstance(code, str) and code else sentence


def find_problems(
    document: Mapping[str, Any], loader: StaticDocumentLoader | None = None
) -> list[JsonLdProblem]:
    """Return every strictness problem of a JSON-LD document (empty when it is strict)."""
    loader = loader or default_loader()
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    try:
        with PYLD_LOCK:
            expanded = processor.expand(
                _probe_document(document), {**loader.pyld_options(), "base": None}
            )
    except jsonld.JsonLdError as error:
        return [JsonLdProblem("invalid-json-ld", "$", _error_message(error))]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        # pyld raises plain Python errors for some malformed input (a relative context IRI
        # without a base raises ValueError): still a document it cannot process, not a crash.
        detail = f"the JSON-LD cannot be processed ({type(error).__name__}: {error})"
        return [JsonLdProblem("invalid-json-ld", "$", detail)]
    problems = list(_node_list_problems(expanded, "", document))
    problems.extend(_dropped_problems(dropped, document))
    return problems


def ensure_strict(document: Mapping[str, Any], loader: StaticDocumentLoader | None = None) -> None:
    """Raise JsonLdRejected, naming each offending path, unless the document is strict."""
    problems = find_problems(document, loader)
    if problems:
        raise JsonLdRejected(problems)


def _node_list_problems(
    nodes: list[Any], path: str, document: Mapping[str, Any]
) -> Iterator[JsonLdProblem]:
    """Yield the problems of a list of expanded node objects."""
    for node in nodes:
        yield from _node_problems(node, path, document)


def _node_problems(
    node: Mapping[str, Any], fallback_path: str, document: Mapping[str, Any]
) -> Iterator[JsonLdProblem]:
    """Yield the problems of one expanded node object and everything below it."""
    marker = node.get(JSON_PATH_MARKER)
    path = marker[0]["@value"] if marker else fallback_path
    path = "" if path == "$" else path
    if "@id" in node:
        yield from _iri_problems(node["@id"], _join(path, "id"), identifier=True)
    for type_iri in node.get("@type", []):
        yield from _type_problems(type_iri, _join(path, "type"))
    for prop, values in node.items():
        if prop in ("@id", "@type", "@index", JSON_PATH_MARKER):
            continue
        if prop in ("@graph", "@included"):
            yield from _node_list_problems(values, path, document)
        elif prop == "@reverse":
            yield from _node_problems(values, path, document)
        else:
            yield from _property_problems(prop, values, path, document)


def _property_problems(
    prop: str, values: list[Any], path: str, document: Mapping[str, Any]
) -> Iterator[JsonLdProblem]:
    """Yield the problems of one expanded property and its values."""
    if prop.startswith(UNDEFINED_TERM_VOCAB):
        term = prop.removeprefix(UNDEFINED_TERM_VOCAB)
        yield JsonLdProblem(
            "undefined-term", _join(path, term), f"term {term!r} is not defined by the @context"
        )
    for value in values:
        yield from _value_problems(value, prop, path, document)


def _value_problems(
    value: Mapping[str, Any], prop: str, path: str, document: Mapping[str, Any]
) -> Iterator[JsonLdProblem]:
    """Yield the problems of one expanded value: a literal, a list, a node or an IRI reference."""
    if "@value" in value:
        if isinstance(value.get("@type"), str):
            yield from _type_problems(value["@type"], _join(path, _local_name(prop)))
    elif "@list" in value:
        for item in value["@list"]:
            yield from _value_problems(item, prop, path, document)
    elif JSON_PATH_MARKER in value:
        yield from _node_problems(value, path, document)
    elif "@id" in value:
        key = _input_key(document, path, value["@id"]) or _local_name(prop)
        yield from _iri_problems(value["@id"], _join(path, key), identifier=False)


def _type_problems(type_iri: str, path: str) -> Iterator[JsonLdProblem]:
    """Yield a problem if a type or datatype is undefined or not an absolute IRI."""
    if type_iri.startswith(UNDEFINED_TERM_VOCAB):
        name = type_iri.removeprefix(UNDEFINED_TERM_VOCAB)
        yield JsonLdProblem("undefined-type", path, f"type {name!r} is not defined by the @context")
    elif not is_absolute_iri(type_iri):
        yield JsonLdProblem("relative-iri", path, f"type {type_iri!r} is not an absolute IRI")


def _iri_problems(iri: str, path: str, *, identifier: bool) -> Iterator[JsonLdProblem]:
    """Yield a problem if an id or IRI reference is undefined, relative or malformed."""
    if iri.startswith(UNDEFINED_TERM_VOCAB):
        name = iri.removeprefix(UNDEFINED_TERM_VOCAB)
        yield JsonLdProblem("undefined-term", path, f"{name!r} is not defined by the @context")
    elif not (is_absolute_iri(iri) or (identifier and _BLANK_NODE_ID.match(iri))):
        yield JsonLdProblem("relative-iri", path, f"{iri!r} is not an absolute IRI")


def _local_name(iri: str) -> str:
    """Return the part of an IRI after its last `#` or `/`, to name a property in a path."""
    return re.split(r"[#/]", iri)[-1] or iri


def _input_at(document: Any, path: str) -> Any:
    """Return the input JSON value at a path built by `_join`, or None."""
    node = document
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _input_key(document: Mapping[str, Any], path: str, iri: str) -> str | None:
    """Return the key of the input object at `path` whose string value produced `iri`."""
    node = _input_at(document, path)
    if not isinstance(node, Mapping):
        return None
    original = iri.removeprefix(UNDEFINED_TERM_VOCAB)
    for key, value in node.items():
        candidates = value if isinstance(value, list) else [value]
        if original in candidates:
            return str(key)
    return None


def _key_paths(value: Any, wanted: Callable[[str], bool], path: str = "") -> Iterator[str]:
    """Yield the JSON path of every object key outside any @context for which `wanted` holds."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _key_paths(item, wanted, _join(path, index))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key == "@context":
                continue
            if wanted(key):
                yield _join(path, key)
            yield from _key_paths(item, wanted, _join(path, key))


def _is_unknown_keyword(key: str) -> bool:
    """Return whether a key looks like a keyword (`@foo`) without being one; pyld drops those."""
    return _KEYWORD_LIKE.match(key) is not None and key not in jsonld.KEYWORDS


def _dropped_problems(
    dropped: list[str | None], document: Mapping[str, Any]
) -> Iterator[JsonLdProblem]:
    """Yield problems for properties pyld still dropped (keyword-like keys, null-mapped terms)."""
    for name in dict.fromkeys(dropped):
        wanted = _is_unknown_keyword if name is None else name.__eq__
        for path in list(_key_paths(document, wanted)) or ["$"]:
            reason = f"property {name!r}" if name else "unknown keyword or null-mapped term"
            yield JsonLdProblem("dropped-property", path, f"{reason} would be dropped")
