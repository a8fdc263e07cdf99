"""Canonical N-Quads for signing and verifying: the full pyld path, and per-shape templates.

The full path (strict check, then pyld JSON-LD -> RDF, then RDFC-1.0) is always correct and
takes a few milliseconds, three quarters of it spent re-processing the same contexts for every
document of the same shape (FINDINGS.md). After a shape has been seen `build_after` times its
template is built (`templates.py`), checked once against the full path's answer for the same
document, and used from then on: leaves are substituted into the template's RDF and only the
RDFC-1.0 canonicalization runs. A shape whose template fails that check, and any document a
template does not accept, goes the full path.

A document that is not strict is never templated, so a template hit also means the document
passed the strict check (every leaf is a literal or an absolute, context-proof IRI).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from badge_issuer.credentials.jsonld.loader import StaticDocumentLoader, default_loader
from badge_issuer.credentials.jsonld.rdf import canonicalize_full
from badge_issuer.credentials.jsonld.shapes import Shape, context_terms, document_shape
from badge_issuer.credentials.jsonld.strict import JsonLdProblem, JsonLdRejected, find_problems
from badge_issuer.credentials.jsonld.templates import Template, build_template


@dataclass(frozen=True)
class CanonicalForm:
    """The canonical N-Quads of a document, its strictness problems, and how they were found.

    `nquads` is None when the document is not JSON-LD pyld can process at all (an unknown
    context, a syntax error); `problems` then says why.
    """

    nquads: str | None
    problems: tuple[JsonLdProblem, ...]
    from_template: bool


@dataclass
class _ShapeRecord:
    """What is known about one document shape."""

    sightings: int = 0
    templatable: bool = True
    templates: list[Template] = field(default_factory=list)


class Canonicalizer:
    """Computes canonical forms over one document loader, caching a template per shape."""

    def __init__(
        self,
        loader: StaticDocumentLoader | None = None,
        *,
        use_templates: bool = True,
        build_after: int = 2,
        max_shapes: int = 256,
        max_templates_per_shape: int = 16,
    ) -> None:
        self.loader = loader or default_loader()
        self._use_templates = use_templates
        self._build_after = build_after
        self._max_shapes = max_shapes
        self._max_templates_per_shape = max_templates_per_shape
        self._shapes: OrderedDict[Shape, _ShapeRecord] = OrderedDict()
        self._lock = threading.Lock()
        self._reserved_terms = frozenset(
            context_terms([self.loader.document(url) for url in sorted(self.loader.urls)])
        )

    def canonical_form(self, document: Mapping[str, Any]) -> CanonicalForm:
        """Return the canonical N-Quads and strictness problems of a JSON-LD document."""
        try:
            return self._canonical_form(document)
        except RecursionError:
            # Both pyld and the shape walk recurse per nesting level; an absurdly deep document
            # is reported like any other unprocessable one instead of escaping as an error.
            problem = JsonLdProblem("invalid-json-ld", "$", "the document is nested too deeply")
            return CanonicalForm(None, (problem,), False)

    def _canonical_form(self, document: Mapping[str, Any]) -> CanonicalForm:
        """Answer from a template if one accepts the document, else by the full path."""
        if not self._use_templates:
            return self._full(document)
        shape, leaves = document_shape(document)
        record = self._record(shape)
        for template in record.templates:
            if template.accepts(leaves):
                return CanonicalForm(template.canonical_nquads(leaves), (), True)
        full = self._full(document)
        learnable = record.templatable and record.sightings >= self._build_after
        if learnable and full.nquads is not None and not full.problems:
            self._learn(record, document, leaves, full.nquads)
        return full

    def canonicalize(self, document: Mapping[str, Any]) -> str:
        """Return the canonical N-Quads of a strict document; raise JsonLdRejected otherwise."""
        form = self.canonical_form(document)
        if form.problems or form.nquads is None:
            raise JsonLdRejected(list(form.problems))
        return form.nquads

    def canonicalize_full(self, document: Mapping[str, Any]) -> str:
        """Return the canonical N-Quads computed by pyld alone (the reference; no strict check)."""
        return canonicalize_full(document, self.loader)

    def _full(self, document: Mapping[str, Any]) -> CanonicalForm:
        """Run the strict check and the full pyld path."""
        problems = tuple(find_problems(document, self.loader))
        if any(problem.kind == "invalid-json-ld" for problem in problems):
            return CanonicalForm(None, problems, False)
        return CanonicalForm(canonicalize_full(document, self.loader), problems, False)

    def _record(self, shape: Shape) -> _ShapeRecord:
        """Return (creating if needed) the record of a shape and count this sighting."""
        with self._lock:
            record = self._shapes.get(shape)
            if record is None:
                record = self._shapes[shape] = _ShapeRecord()
                if len(self._shapes) > self._max_shapes:
                    self._shapes.popitem(last=False)
            self._shapes.move_to_end(shape)
            record.sightings += 1
            return record

    def _learn(
        self, record: _ShapeRecord, document: Mapping[str, Any], leaves: list[str], nquads: str
    ) -> None:
        """Build a template for this document's shape, keeping it only if it reproduces `nquads`."""
        if len(record.templates) >= self._max_templates_per_shape:
            return
        reserved = self._reserved_terms | frozenset(context_terms(document))
        template = build_template(document, leaves, self.loader, reserved)
        if template is None or not template.accepts(leaves):
            record.templatable = False
            return
        if template.canonical_nquads(leaves) != nquads:
            record.templatable = False
            return
        with self._lock:
            record.templates.append(template)


@cache
def default_canonicalizer() -> Canonicalizer:
    """Return the process-wide canonicalizer over the bundled contexts."""
    return Canonicalizer()
