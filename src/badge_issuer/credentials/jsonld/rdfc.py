"""RDFC-1.0 (W3C RDF Dataset Canonicalization) over pyld's URDNA2015, with canonical escaping.

pyld's `URDNA2015` implements the RDFC-1.0 algorithm (URDNA2015 is its earlier name and the
same algorithm), but serialises quads with pyld's own N-Quads escaping, which is not canonical
for C0 controls and U+007F (FINDINGS.md #1). The serialisation matters twice: for the blank
node hashes of RDFC-1.0 section 4.6 and for the final output of section 4.3 step 7 / section 5.
This subclass overrides exactly those two uses; the rest of the algorithm is pyld's, unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pyld.canon import URDNA2015

from badge_issuer.credentials.jsonld.nquads import serialize_quad

Dataset = Mapping[str, list[dict[str, Any]]]


class _Rdfc10(URDNA2015):  # type: ignore[misc]  # pyld ships no type information
    """pyld's URDNA2015 whose quad serialisation is canonical N-Quads."""

    def hash_first_degree_quads(self, id_: str) -> str:
        """Hash the quads that mention one blank node (RDFC-1.0 section 4.6)."""
        info: dict[str, Any] = self.blank_node_info[id_]
        if "hash" in info:
            return str(info["hash"])
        lines = sorted(
            serialize_quad(
                {key: _first_degree_component(id_, component) for key, component in quad.items()}
            )
            for quad in info["quads"]
        )
        info["hash"] = self.hash_nquads(lines)
        return str(info["hash"])


def _first_degree_component(reference_id: str, component: Mapping[str, Any]) -> Mapping[str, Any]:
    """Replace a blank node by `_:a` (the reference node) or `_:z` (any other), per section 4.6."""
    if component["type"] != "blank node":
        return component
    label = "_:a" if component["value"] == reference_id else "_:z"
    return {"type": "blank node", "value": label}


def canonicalize_dataset(dataset: Dataset) -> str:
    """Return the RDFC-1.0 serialized canonical form of an RDF dataset (section 4.4 and 5).

    `dataset` is pyld's dataset shape (graph name -> list of triple dicts); it is consumed, as
    pyld relabels blank nodes in place.
    """
    canonicalizer = _Rdfc10()
    # pyld's main() runs the whole algorithm and relabels every quad in place; its own string
    # output uses pyld's escaping, so the canonical lines are serialised again here.
    canonicalizer.main(dataset, {"format": "application/n-quads"})
    return "".join(sorted(serialize_quad(quad) for quad in canonicalizer.quads))
