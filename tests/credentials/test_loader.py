"""The JSON-LD loader serves only bundled, sha256-checked contexts and never the network."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from badge_issuer.credentials.jsonld.loader import (
    CONTEXTS_DIR,
    ContextIntegrityError,
    ContextNotAllowed,
    StaticDocumentLoader,
    bundled_contexts,
    default_loader,
    read_context_dir,
)
from tests.shared_data import shared_path

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


class TestBundledContexts:
    def test_every_indexed_context_is_bundled_and_verified(self) -> None:
        index = json.loads((CONTEXTS_DIR / "INDEX.json").read_text())
        assert set(bundled_contexts()) == set(index)

    def test_bundled_files_are_verbatim_copies_of_shared(self) -> None:
        shared = shared_path("contexts")
        for source in shared.iterdir():
            assert (CONTEXTS_DIR / source.name).read_bytes() == source.read_bytes()

    def test_citizenship_context_of_the_vectors_is_not_bundled(self) -> None:
        assert "https://w3id.org/citizenship/v4rc1" not in bundled_contexts()

    def test_tampered_copy_is_refused(self, tmp_path: Path) -> None:
        directory = tmp_path / "contexts"
        shutil.copytree(CONTEXTS_DIR, directory)
        path = directory / "credentials-v2.jsonld"
        path.write_bytes(path.read_bytes().replace(b"credentials#", b"credential#", 1))
        with pytest.raises(ContextIntegrityError, match=re.escape("credentials-v2.jsonld")):
            read_context_dir(directory)

    def test_ob_context_hash_matches_index(self) -> None:
        raw = (CONTEXTS_DIR / "ob-v3p0-context-3.0.3.jsonld").read_bytes()
        index = json.loads((CONTEXTS_DIR / "INDEX.json").read_text())
        assert hashlib.sha256(raw).hexdigest() == index[OB_303]["sha256"]


class TestStaticDocumentLoader:
    def test_answers_with_a_static_remote_document(self) -> None:
        answer = default_loader()(VC_V2, {})
        assert answer["documentUrl"] == VC_V2
        assert answer["tag"] == "static"
        assert answer["contextUrl"] is None
        assert answer["document"] == bundled_contexts()[VC_V2]

    def test_answer_is_a_copy(self) -> None:
        answer = default_loader()(VC_V2, {})
        answer["document"]["@context"]["name"] = "changed"
        assert default_loader()(VC_V2, {})["document"] == bundled_contexts()[VC_V2]

    def test_unknown_url_is_refused_by_name(self) -> None:
        with pytest.raises(ContextNotAllowed, match=re.escape("https://example.com/ctx")):
            default_loader()("https://example.com/ctx", {})

    def test_extended_loader_serves_extra_documents_without_changing_the_original(
        self,
    ) -> None:
        extra = {"https://example.com/ctx": {"@context": {"x": "https://example.com/x"}}}
        extended = default_loader().extended(extra)
        assert (
            extended("https://example.com/ctx", {})["document"] == extra["https://example.com/ctx"]
        )
        with pytest.raises(ContextNotAllowed):
            default_loader()("https://example.com/ctx", {})

    def test_loaders_do_not_share_resolved_contexts(self) -> None:
        # A context loaded through one loader must not become visible through another.
        one = StaticDocumentLoader({VC_V2: bundled_contexts()[VC_V2]})
        other = StaticDocumentLoader({})
        assert one.pyld_options()["contextResolver"].shared_cache is not (
            other.pyld_options()["contextResolver"].shared_cache
        )
