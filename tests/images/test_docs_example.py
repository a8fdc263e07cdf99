"""docs/example-baked-badge.png: it carries a credential that verifies, and it is reproducible."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from badge_issuer.credentials.proofs.data_integrity import verify_credential_proof
from badge_issuer.images import ImageFormat, bake, unbake

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "example-baked-badge.png"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_example_baked_badge", DOCS / "make_example_baked_badge.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestDocsExample:
    def test_carries_a_credential_whose_proof_verifies_with_its_did_key(self) -> None:
        unbaked = unbake(EXAMPLE.read_bytes(), "image/png")
        assert unbaked.image_format is ImageFormat.PNG
        assert unbaked.credential["issuer"]["id"].startswith("did:key:z6Mk")
        assert verify_credential_proof(unbaked.credential).verified

    def test_generator_reproduces_the_committed_bytes(self) -> None:
        generator = _generator()
        text = unbake(EXAMPLE.read_bytes(), "image/png").credential_json
        assert bake(generator.badge_png(), text, "image/png") == EXAMPLE.read_bytes()
        assert unbake(EXAMPLE.read_bytes()).credential == generator.example_credential()
