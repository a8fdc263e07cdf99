"""Canonical N-Quads serialisation of pyld's RDF quads, as RDFC-1.0 requires.

pyld 3.3 escapes only backslash, tab, LF, CR and the double quote in literals and nothing in
IRIs (FINDINGS.md #1). Canonical N-Quads (RDF 1.2 N-Quads section "Canonical N-Quads", which
RDFC-1.0 section 4.3 uses for every serialisation it hashes) also escapes every other C0 control
character and U+007F: `\\b`, `\\t`, `\\n`, `\\f`, `\\r` as ECHAR, the rest as UCHAR with upper-case
hex (`\\u0001`). IRIs escape the characters N-Quads forbids in IRIREF as UCHAR. This is what
rdf-canonize (jsonld.js) emits, so proofs interoperate for any text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_LITERAL_ECHARS = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_LITERAL_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_NEEDS_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _uchar(char: str) -> str:
    """Return the UCHAR form of a BMP character, upper-case hex as canonical N-Quads requires."""
    return f"\\u{ord(char):04X}"


def _escape_literal_char(match: re.Match[str]) -> str:
    """Return the canonical escape of one literal character."""
    char = match.group()
    return _LITERAL_ECHARS.get(char) or _uchar(char)


def escape_literal(value: str) -> str:
    """Escape a literal's lexical form for canonical N-Quads (ECHAR where defined, else UCHAR)."""
    if _LITERAL_NEEDS_ESCAPE.search(value) is None:
        return value
    return _LITERAL_NEEDS_ESCAPE.sub(_escape_literal_char, value)


def escape_iri(value: str) -> str:
    """Escape the characters IRIREF does not allow (as UCHAR), leaving every other one as is."""
    if _IRI_NEEDS_ESCAPE.search(value) is None:
        return value
    return _IRI_NEEDS_ESCAPE.sub(lambda match: _uchar(match.group()), value)


def serialize_term(term: Mapping[str, Any]) -> str:
    """Serialise one pyld term dict (IRI, blank node or literal) in canonical form."""
    kind = term["type"]
    if kind == "IRI":
        return "<" + escape_iri(term["value"]) + ">"
    if kind == "blank node":
        return str(term["value"])
    literal = '"' + escape_literal(term["value"]) + '"'
    datatype = term.get("datatype", XSD_STRING)
    if datatype == RDF_LANGSTRING:
        return literal + "@" + str(term["language"])
    if datatype != XSD_STRING:
        return literal + "^^<" + escape_iri(datatype) + ">"
    return literal


def serialize_quad(quad: Mapping[str, Any]) -> str:
    """Serialise a pyld quad (subject, predicate, object, optional name) as one canonical line."""
    line = (
        serialize_term(quad["subject"])
        + " "
        + serialize_term(quad["predicate"])
        + " "
        + serialize_term(quad["object"])
    )
    graph = quad.get("name")
    if graph is not None:
        line += " " + serialize_term(graph)
    return line + " .\n"


class NQuadsSyntaxError(ValueError):
    """The text is not N-Quads."""


_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIREF = rf'<(?:[^\x00-\x20<>"{{}}|^`\\]|{_UCHAR})*>'
_LABEL_CHAR = r"A-Za-z0-9_\-\u00B7-\U000EFFFF"
_BNODE = rf"_:[{_LABEL_CHAR}](?:[{_LABEL_CHAR}.]*[{_LABEL_CHAR}])?"
_LITERAL = (
    rf'"(?:[^"\\\n\r]|\\[tbnrf"\'\\]|{_UCHAR})*"(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*|\^\^{_IRIREF})?'
)
_TERM = re.compile(rf"\s*({_IRIREF}|{_BNODE}|{_LITERAL})")
_END = re.compile(r"\s*\.\s*(?:#.*)?$")
_ESCAPE = re.compile(rf'{_UCHAR}|\\[tbnrf"\'\\]')
_ECHAR_VALUES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        escape = match.group()
        if escape[1] in "uU":
            return chr(int(escape[2:], 16))
        return _ECHAR_VALUES[escape[1]]

    return _ESCAPE.sub(one, text)


def _canonical_term(token: str) -> str:
    """Return a parsed N-Quads term in canonical form (escapes normalised, xsd:string dropped)."""
    if token.startswith("<"):
        return "<" + escape_iri(_unescape(token[1:-1])) + ">"
    if token.startswith("_:"):
        return token
    end = token.rindex('"')
    literal = '"' + escape_literal(_unescape(token[1:end])) + '"'
    suffix = token[end + 1 :]
    if suffix.startswith("^^"):
        datatype = _unescape(suffix[3:-1])
        return literal if datatype == XSD_STRING else literal + "^^<" + escape_iri(datatype) + ">"
    return literal + suffix


def parse_nquads(text: str) -> list[tuple[str, str, str, str]]:
    """Parse N-Quads into (subject, predicate, object, graph) canonical terms ("" = default)."""
    quads = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        terms: list[str] = []
        position = 0
        while len(terms) < 4 and (match := _TERM.match(line, position)) is not None:
            terms.append(match.group(1))
            position = match.end()
        if len(terms) < 3 or _END.match(line, position) is None:
            raise NQuadsSyntaxError(f"line {number} is not an N-Quads statement")
        canonical = [_canonical_term(term) for term in terms]
        quads.append(
            (canonical[0], canonical[1], canonical[2], canonical[3] if len(canonical) == 4 else "")
        )
    return quads
