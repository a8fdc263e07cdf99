"""`badge-issuer restore FILE`: a backup into an empty database, then proof that it works.

Refused before anything is written: a file that is not a backup of this format, a payload whose
hash differs from the manifest, a database of the other kind, a target that holds tables, and a
configured key-encryption key other than the one the backup's keys are wrapped under (its
signing keys could not be unwrapped). After the restore the schema is upgraded to this version's
head, the row counts are compared with the manifest, every credential is verified and every
active key signs a probe.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from badge_issuer import migrate
from badge_issuer.config import Settings
from badge_issuer.continuity import dumps
from badge_issuer.continuity.checks import CheckResult, check_url
from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.continuity.manifest import (
    FORMAT,
    MANIFEST_NAME,
    PAYLOAD_NAMES,
    Manifest,
    sha256_of,
)
from badge_issuer.continuity.tables import existing_tables, read_database, row_counts
from badge_issuer.keys.kek import load as load_kek

# A manifest is a few kilobytes; anything larger is not one of ours.
MAX_MANIFEST_BYTES = 1 << 20


def read_manifest(source: Path) -> Manifest:
    """Return the manifest of a backup file, refusing anything that is not one."""
    try:
        with tarfile.open(source, mode="r") as archive:
            member = archive.getmember(MANIFEST_NAME)
            if not member.isfile() or member.size > MAX_MANIFEST_BYTES:
                raise ContinuityError(f"{source}: the manifest is not a small regular file")
            handle = archive.extractfile(member)
            if handle is None:
                raise ContinuityError(f"{source}: the manifest cannot be read")
            manifest = Manifest.model_validate_json(handle.read())
    except (tarfile.TarError, KeyError, OSError) as error:
        raise ContinuityError(f"{source} is not a badge-issuer backup ({error})") from None
    except ValidationError as error:
        raise ContinuityError(f"{source}: invalid manifest ({error.errors()[0]['msg']})") from None
    if manifest.format != FORMAT or manifest.payload != PAYLOAD_NAMES.get(manifest.backend):
        raise ContinuityError(f"{source}: unsupported backup format {manifest.format!r}")
    return manifest


def restore_backup(settings: Settings, source: Path, *, now: datetime) -> CheckResult:
    """Restore `source` into the configured (empty) database and check the result."""
    manifest = read_manifest(source)
    backend = dumps.backend_of(settings.database_url)
    if backend != manifest.backend:
        raise ContinuityError(
            f"the backup is of a {manifest.backend} database and the target is {backend}: "
            "restore into the same kind, then move with `badge-issuer db copy`"
        )
    kek = load_kek(settings.key_encryption_key_file)
    if kek.fingerprint != manifest.kek_fingerprint:
        raise ContinuityError(
            f"the configured key-encryption key ({kek.fingerprint}) is not the one the backup's "
            f"signing keys are wrapped under ({manifest.kek_fingerprint})"
        )
    with tempfile.TemporaryDirectory(prefix="badge-issuer-restore-") as work:
        payload = _extract_payload(source, manifest, Path(work))
        if backend == "sqlite":
            _restore_sqlite(settings.database_url, payload)
        else:
            _refuse_non_empty(settings.database_url)
            dumps.pg_restore(settings.database_url, payload)
    _compare_counts(settings.database_url, manifest)
    migrate.upgrade(settings.database_url)
    return check_url(settings, now=now)


def _extract_payload(source: Path, manifest: Manifest, work: Path) -> Path:
    target = work / manifest.payload
    with tarfile.open(source, mode="r") as archive:
        try:
            member = archive.getmember(manifest.payload)
        except KeyError:
            raise ContinuityError(f"{source} holds no {manifest.payload}") from None
        handle = archive.extractfile(member) if member.isfile() else None
        if handle is None:
            raise ContinuityError(f"{source}: {manifest.payload} is not a regular file")
        with target.open("wb") as out:
            shutil.copyfileobj(handle, out)
    if sha256_of(target) != manifest.payload_sha256:
        raise ContinuityError(f"{source}: the database snapshot does not match its manifest hash")
    return target


def _restore_sqlite(url: str, payload: Path) -> None:
    path = dumps.sqlite_path(url)
    if path.exists() and path.stat().st_size > 0:
        _refuse_non_empty(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".restoring")
    shutil.copyfile(payload, partial)
    os.chmod(partial, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(partial, path)


def _refuse_non_empty(url: str) -> None:
    present = read_database(url, existing_tables)
    if present:
        raise ContinuityError(
            f"the target database is not empty ({len(present)} tables, e.g. "
            f"{sorted(present)[0]}): restore into a new, empty database"
        )


def _compare_counts(url: str, manifest: Manifest) -> None:
    counts = read_database(url, row_counts)
    differing = {
        name: (expected, counts.get(name))
        for name, expected in manifest.row_counts.items()
        if counts.get(name) != expected
    }
    if differing:
        raise ContinuityError(f"restored row counts differ from the manifest: {differing}")
