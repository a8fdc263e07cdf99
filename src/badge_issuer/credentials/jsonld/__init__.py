"""JSON-LD: bundled contexts, strict checking, RDFC-1.0 canonicalization and per-shape templates."""
