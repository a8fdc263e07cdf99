"""Locate ../shared (test vectors, 1EdTech schemas, examples), which the project must not copy.

CI lays a copy of shared/ beside the clone; tests that need it skip with a clear reason where it
is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("BADGE_ISSUER_SHARED_DIR", REPO_ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """Return a path inside ../shared, skipping the calling test when it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} is absent: ../shared (vectors, schemas, examples) is not laid out here"
        )
    return path
