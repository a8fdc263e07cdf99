"""The W3C RDFC-1.0 test suite (../shared/vectors/rdf-canon), every test, byte for byte.

Eval tests compare the canonical N-Quads with the expected file as text; map tests compare the
issued identifiers map; the negative test (test074, a 10-node clique) must end with the named
work-limit error, quickly.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from badge_issuer.credentials.jsonld.nquads import NQuadsSyntaxError, parse_nquads
from badge_issuer.credentials.jsonld.rdfc import CanonicalizationLimitExceeded, canonicalize_quads
from tests.shared_data import SHARED_DIR, shared_path

SUITE = Path("vectors", "rdf-canon")
HASHES = {"SHA256": "sha256", "SHA384": "sha384"}


def _entries() -> list[Any]:
    manifest = SHARED_DIR / SUITE / "manifest.jsonld"
    if not manifest.exists():
        return [pytest.param(None, id="suite-absent")]
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    return [pytest.param(entry, id=entry["id"].lstrip("#")) for entry in entries]


def _read(name: str) -> str:
    return shared_path(str(SUITE), name).read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", _entries())
def test_rdfc10_suite(entry: dict[str, Any] | None) -> None:
    if entry is None:
        shared_path(str(SUITE), "manifest.jsonld")  # skips with the reason
        return
    quads = parse_nquads(_read(entry["action"]))
    hash_name = HASHES[entry.get("hashAlgorithm", "SHA256")]
    kind = entry["type"]
    if kind == "rdfc:RDFC10NegativeEvalTest":
        started = time.process_time()
        with pytest.raises(CanonicalizationLimitExceeded, match="poison graph"):
            canonicalize_quads(quads, hash_name=hash_name)
        assert time.process_time() - started < 1.0
        return
    result = canonicalize_quads(quads, hash_name=hash_name)
    if kind == "rdfc:RDFC10EvalTest":
        assert result.nquads == _read(entry["result"])
    elif kind == "rdfc:RDFC10MapTest":
        assert dict(result.issued) == json.loads(_read(entry["result"]))
    else:
        pytest.fail(f"unknown test type {kind}")


class TestWorkLimit:
    def test_a_smaller_budget_refuses_the_computable_poison_graphs(self) -> None:
        quads = parse_nquads(_read("rdfc10/test044-in.nq"))
        with pytest.raises(CanonicalizationLimitExceeded):
            canonicalize_quads(quads, max_work=100)

    def test_datasets_without_shared_hashes_need_no_n_degree_work(self) -> None:
        quads = parse_nquads(_read("rdfc10/test003-in.nq"))
        assert canonicalize_quads(quads, max_work=0).nquads


class TestNQuadsParsing:
    @pytest.mark.parametrize(
        "line",
        [
            "<a> <b> .",
            '<urn:x> <urn:p> "unterminated .',
            "<urn:x> <urn:p> <urn:o> <urn:g> <urn:h> .",
        ],
    )
    def test_malformed_statements_are_refused(self, line: str) -> None:
        with pytest.raises(NQuadsSyntaxError):
            parse_nquads(line)

    def test_comments_and_blank_lines_are_skipped(self) -> None:
        assert parse_nquads("# c\n\n<urn:s> <urn:p> <urn:o> . # c\n") == [
            ("<urn:s>", "<urn:p>", "<urn:o>", "")
        ]
