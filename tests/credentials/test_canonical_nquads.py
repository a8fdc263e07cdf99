"""Canonical N-Quads escaping (RDF 1.2 N-Quads, as RDFC-1.0 uses it) and RDFC-1.0 on it."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pyld import jsonld
from pyld.canon import URDNA2015

from badge_issuer.credentials.jsonld.canonicalizer import Canonicalizer
from badge_issuer.credentials.jsonld.loader import default_loader
from badge_issuer.credentials.jsonld.nquads import escape_iri, escape_literal, serialize_quad
from badge_issuer.credentials.jsonld.rdfc import _State, canonicalize_dataset, dataset_quads

NAME = "https://schema.org/name"

# Every character canonical N-Quads escapes in a literal, with its one canonical form.
EXPECTED_LITERAL_ESCAPES = {
    **{chr(code): f"\\u{code:04X}" for code in range(0x20)},
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    "\x7f": "\\u007F",
    '"': '\\"',
    "\\": "\\\\",
}


def _literal_quad(subject: dict[str, str], value: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "predicate": {"type": "IRI", "value": NAME},
        "object": {"type": "literal", "value": value, "datatype": jsonld.XSD_STRING},
    }


class TestLiteralEscaping:
    @pytest.mark.parametrize("char", sorted(EXPECTED_LITERAL_ESCAPES))
    def test_character_gets_its_canonical_escape(self, char: str) -> None:
        assert escape_literal(f"a{char}b") == f"a{EXPECTED_LITERAL_ESCAPES[char]}b"

    def test_hex_of_uchar_is_upper_case(self) -> None:
        assert escape_literal("\x1f\x0b") == "\\u001F\\u000B"

    def test_other_characters_stay_as_they_are(self) -> None:
        text = "北海道 DX 🎓 é \u0080 \u2028 'single' <tag> ~"
        assert escape_literal(text) == text

    def test_pyld_alone_leaves_control_characters_raw(self) -> None:
        # ../shared/FINDINGS.md #1: this is what the override exists for.
        quad = _literal_quad({"type": "IRI", "value": "urn:x:s"}, "a\x01b\x7f")
        assert '"a\x01b\x7f"' in jsonld.JsonLdProcessor.to_nquad(quad)
        assert '"a\\u0001b\\u007F"' in serialize_quad(quad)


class TestIriEscaping:
    def test_characters_not_allowed_in_iriref_become_uchar(self) -> None:
        assert escape_iri("urn:x:a b<c>{d}") == "urn:x:a\\u0020b\\u003Cc\\u003E\\u007Bd\\u007D"

    def test_ordinary_iri_is_unchanged(self) -> None:
        iri = "did:web:localhost%3A8000:issuers:default#key-1"
        assert escape_iri(iri) == iri


class TestRdfc10OnCanonicalTerms:
    def test_first_degree_hash_uses_the_canonical_escapes(self) -> None:
        quads = dataset_quads(
            {"@default": [_literal_quad({"type": "blank node", "value": "_:b0"}, "x\x01")]}
        )
        state = _State(quads, "sha256", 10)
        state.blank_node_to_quads = {"b0": list(quads)}
        expected_line = f'_:a <{NAME}> "x\\u0001" .\n'
        assert state.hash_first_degree("b0") == hashlib.sha256(expected_line.encode()).hexdigest()

    def test_blank_node_labels_follow_hashes_of_escaped_lines(self) -> None:
        # For "\x00" and "\x02" the order of the first-degree hashes differs between pyld's
        # escaping and the canonical one, so the labels do too.
        def dataset() -> dict[str, list[dict[str, Any]]]:
            return {
                "@default": [
                    _literal_quad({"type": "blank node", "value": "_:b0"}, "\x00"),
                    _literal_quad({"type": "blank node", "value": "_:b1"}, "\x02"),
                ]
            }

        def first_degree_hash(escaped: str) -> str:
            return hashlib.sha256(f'_:a <{NAME}> "{escaped}" .\n'.encode()).hexdigest()

        first, second = sorted(["\\u0000", "\\u0002"], key=first_degree_hash)
        expected = sorted([f'_:c14n0 <{NAME}> "{first}" .\n', f'_:c14n1 <{NAME}> "{second}" .\n'])
        assert canonicalize_dataset(dataset()) == "".join(expected)
        pyld_only = URDNA2015().main(dataset(), {"format": "application/n-quads"})
        assert pyld_only.replace("\x00", "\\u0000").replace("\x02", "\\u0002") != "".join(expected)

    def test_credential_text_with_control_characters_is_escaped_in_canonical_form(
        self,
    ) -> None:
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential"],
            "name": 'tab\there "quoted" back\\slash bell\x07 del\x7f',
        }
        canonical = Canonicalizer(default_loader(), use_templates=False).canonicalize(document)
        assert (
            f"<urn:uuid:00000000-0000-4000-8000-000000000001> <{NAME}> "
            '"tab\\there \\"quoted\\" back\\\\slash bell\\u0007 del\\u007F" .\n'
        ) in canonical
