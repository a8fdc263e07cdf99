"""Resume state of a file import: the last committed line and the running tally, on disk.

The state file sits next to the input. Re-importing a row is harmless (it counts as a
duplicate), so the state only saves work; a state that does not match the file or the provider
is ignored and the import starts over.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from badge_issuer.intake.importer import ImportFormat, ImportTally
from badge_issuer.kit.files import read_bounded
from badge_issuer.providers.schemas import ImportRejection

_VERSION = 1
_FINGERPRINT_BYTES = 65536


def state_path(source: Path) -> Path:
    """Where the resume state of `source` lives."""
    return source.with_name(source.name + ".import-state.json")


def fingerprint(source: Path) -> str:
    """Identify the file by its first 64 KiB: appending rows keeps it resumable."""
    with source.open("rb") as handle:
        return hashlib.sha256(handle.read(_FINGERPRINT_BYTES)).hexdigest()


@dataclass(slots=True)
class ImportState:
    provider_id: str
    fmt: ImportFormat
    fingerprint: str
    committed_line: int
    tally: ImportTally

    def save(self, path: Path) -> None:
        """Write atomically, so an interruption never leaves half a state file."""
        document = {
            "version": _VERSION,
            "provider_id": self.provider_id,
            "format": str(self.fmt),
            "fingerprint": self.fingerprint,
            "committed_line": self.committed_line,
            "accepted": self.tally.accepted,
            "duplicates": self.tally.duplicates,
            "rejected": self.tally.rejected,
            "rejections": [r.model_dump() for r in self.tally.rejections],
        }
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(document), encoding="utf-8")
        os.replace(temporary, path)


def load_state(
    path: Path, *, provider_id: str, fmt: ImportFormat, print_: str
) -> ImportState | None:
    """Return the saved state if it belongs to this file, provider and format, else None."""
    try:
        document = json.loads(read_bounded(path, max_bytes=1_000_000, what="import state"))
        if (
            document.get("version") != _VERSION
            or document.get("provider_id") != provider_id
            or document.get("format") != str(fmt)
            or document.get("fingerprint") != print_
        ):
            return None
        tally = ImportTally(
            accepted=int(document["accepted"]),
            duplicates=int(document["duplicates"]),
            rejected=int(document["rejected"]),
            rejections=[ImportRejection.model_validate(r) for r in document["rejections"]],
        )
        return ImportState(provider_id, fmt, print_, int(document["committed_line"]), tally)
    except (OSError, ValueError, KeyError, TypeError):
        return None
