"""Open Badges 3.0 credentials: models, assembly, JSON-LD processing and Data Integrity proofs."""
