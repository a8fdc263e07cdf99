"""Locate test data: the project's own examples, and ../shared (third-party material).

../shared holds what the project must not copy (eddsa-rdfc-2022 vectors, 1EdTech schemas and
examples, W3C contexts). CI lays a copy of it beside the clone; tests that need it skip with a
clear reason where it is absent. The skill map and completions in `examples/` are the
project's own, so the tests that use them always run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("BADGE_ISSUER_SHARED_DIR", REPO_ROOT.parent / "shared"))
EXAMPLES_DIR = REPO_ROOT / "examples"


def example_path(name: str) -> Path:
    """Return a file of the project's own `examples/` (a realistic skill map and webhooks)."""
    return EXAMPLES_DIR / name


def shared_path(*parts: str) -> Path:
    """Return a path inside ../shared, skipping the calling test when it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} is absent: ../shared (vectors, schemas, contexts) is not laid out here"
        )
    return path
