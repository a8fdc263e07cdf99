"""The full JSON-LD -> RDF -> RDFC-1.0 path through pyld: the reference for every fast path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld import jsonld

from badge_issuer.credentials.jsonld.loader import (
    PYLD_LOCK,
    StaticDocumentLoader,
    default_loader,
)
from badge_issuer.credentials.jsonld.rdfc import canonicalize_dataset


def to_rdf_dataset(
    document: Mapping[str, Any], loader: StaticDocumentLoader | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Deserialize JSON-LD to an RDF dataset (JSON-LD 1.1 API section 9.4), in pyld's shape.

    No base IRI is set: a relative IRI stays relative and is left out of the dataset, as
    jsonld.js does (pyld's default base `http://example.org/base/` would invent one instead).
    Strict checking (`strict.find_problems`) refuses such documents before signing.
    """
    loader = loader or default_loader()
    options = {**loader.pyld_options(), "base": None, "produceGeneralizedRdf": False}
    with PYLD_LOCK:
        dataset: dict[str, list[dict[str, Any]]] = jsonld.to_rdf(dict(document), options)
    return dataset


def canonicalize_full(
    document: Mapping[str, Any], loader: StaticDocumentLoader | None = None
) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document, computed entirely by pyld."""
    return canonicalize_dataset(to_rdf_dataset(document, loader))
