"""`badge-issuer backup FILE`: an online, consistent snapshot of the database and a manifest.

The file is a tar archive of `manifest.json` and the database's own snapshot (SQLite's backup
API, or pg_dump's custom format taken at the snapshot the manifest's counts were read in). It
holds wrapped signing keys and learners' keyed email hashes, so it is written with mode 0600;
the key-encryption key is never inside it, and without that key its signing keys are useless.
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text

from badge_issuer import __version__
from badge_issuer.config import Settings
from badge_issuer.continuity import dumps
from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.continuity.manifest import MANIFEST_NAME, PAYLOAD_NAMES, Manifest, sha256_of
from badge_issuer.continuity.tables import read_database, row_counts
from badge_issuer.keys.kek import load as load_kek


def create_backup(settings: Settings, destination: Path, *, now: datetime) -> Manifest:
    """Snapshot the configured database into `destination`; return the manifest written."""
    if destination.exists():
        raise ContinuityError(f"{destination} exists: choose a new file name")
    backend = dumps.backend_of(settings.database_url)
    kek = load_kek(settings.key_encryption_key_file)
    with tempfile.TemporaryDirectory(prefix="badge-issuer-backup-") as work:
        payload = Path(work) / PAYLOAD_NAMES[backend]
        if backend == "sqlite":
            dumps.sqlite_snapshot(settings.database_url, payload)
            counts, revision = read_database(f"sqlite:///{payload}", _describe)
        else:
            with dumps.postgres_snapshot(settings.database_url) as (connection, snapshot):
                counts, revision = _describe(connection)
                dumps.pg_dump(settings.database_url, payload, snapshot=snapshot)
        manifest = Manifest(
            created_at=now,
            service_version=__version__,
            backend=backend,
            schema_revision=revision,
            payload=payload.name,
            payload_sha256=sha256_of(payload),
            payload_bytes=payload.stat().st_size,
            row_counts=counts,
            kek_fingerprint=kek.fingerprint,
            public_url=settings.public_origin,
            previous_origins=list(settings.previous_origins),
        )
        _write_archive(destination, manifest, payload)
    return manifest


def _describe(connection: Connection) -> tuple[dict[str, int], str | None]:
    """Return the snapshot's row counts and schema revision, as the manifest records them."""
    return row_counts(connection), _revision(connection)


def _revision(connection: Connection) -> str | None:
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return ",".join(sorted(rows)) or None


def _write_archive(destination: Path, manifest: Manifest, payload: Path) -> None:
    partial = destination.with_name(destination.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as archive:
            data = manifest.model_dump_json(indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mode = len(data), 0o600
            info.mtime = int(manifest.created_at.timestamp())
            archive.addfile(info, io.BytesIO(data))
            snapshot = archive.gettarinfo(payload, arcname=payload.name)
            snapshot.mode = 0o600
            with payload.open("rb") as body:
                archive.addfile(snapshot, body)
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
