"""The manifest that travels with a backup: what it holds and how to check it (pure)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

FORMAT = "badge-issuer-backup/1"
MANIFEST_NAME = "manifest.json"
PAYLOAD_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class Manifest(BaseModel):
    """Describes one backup. The KEK is never inside; its fingerprint says which one to keep."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = FORMAT
    created_at: datetime
    service_version: str
    backend: str
    schema_revision: str | None
    payload: str
    payload_sha256: str
    payload_bytes: int
    row_counts: dict[str, int]
    kek_fingerprint: str
    public_url: str
    previous_origins: list[str]


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
