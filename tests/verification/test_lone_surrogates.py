"""Lone surrogates (`"\\ud800"`) are not Unicode text: a body holding one is a 422, never a 500."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.verification.jwt import MalformedJwt, parse_compact_jws
from badge_issuer.verification.submission import MalformedSubmission, parse_submission
from badge_issuer.verification.unicode_text import has_lone_surrogate
from tests.verification.factories import did_key_credential, did_key_signer

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
JSON = {"content-type": "application/json"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _with_name(name_json: str) -> bytes:
    """A real credential whose achievement name is the JSON string literal `name_json`."""
    body = json.dumps(did_key_credential(did_key_signer(), now=NOW))
    return body.replace('"name": ', f'"name": {name_json}, "was": ', 1).encode("utf-8")


# Strings of any code points, lone surrogates included (hypothesis draws them now and then).
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class TestHasLoneSurrogate:
    @settings(max_examples=300, deadline=None)
    @given(_json, st.booleans())
    def test_says_whether_the_value_can_be_written_as_utf8(self, value: Any, ascii: bool) -> None:
        raw = json.dumps(value, ensure_ascii=ascii).encode("utf-8", "surrogatepass")
        assert has_lone_surrogate(raw, json.loads(raw)) is not _encodable(value)

    @pytest.mark.parametrize(
        "raw",
        [b'"\\ud83d\\ude00"', b'"\\\\ud800"', b'"\\u00e9"', '"北海道"'.encode()],
    )
    def test_text_that_only_looks_like_one_is_fine(self, raw: bytes) -> None:
        assert has_lone_surrogate(raw, json.loads(raw)) is False


class TestPostVerify:
    @pytest.mark.parametrize(
        "name",
        [r'"\ud800"', r'"a\uDFFFb"', r'"\ude00\ud83d"', '"\\ud83d"'],
    )
    def test_a_lone_surrogate_in_a_string_is_a_422(self, client: TestClient, name: str) -> None:
        answer = client.post("/verify", content=_with_name(name), headers=JSON)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert "lone surrogate" in answer.json()["detail"]

    def test_in_a_member_name_too(self, client: TestClient) -> None:
        body = _with_name('"x"').replace(b'"was": ', b'"\\udabc": 1, "was": ', 1)
        assert client.post("/verify", content=body, headers=JSON).status_code == 422

    def test_as_surrogatepass_bytes_too(self, client: TestClient) -> None:
        body = _with_name('"x"').replace(b'"x"', '"\ud800"'.encode("utf-8", "surrogatepass"), 1)
        assert client.post("/verify", content=body, headers=JSON).status_code == 422

    def test_a_surrogate_pair_is_a_character_and_gets_a_report(self, client: TestClient) -> None:
        answer = client.post("/verify", content=_with_name(r'"\ud83d\ude00"'), headers=JSON)
        assert answer.status_code == 200, answer.text

    def test_in_a_vc_jwt_payload(self, client: TestClient) -> None:
        header = _b64url(b'{"alg": "EdDSA", "typ": "vc+jwt"}')
        payload = _b64url(b'{"name": "\\ud800"}')
        token = f"{header}.{payload}.{_b64url(bytes(64))}"
        answer = client.post(
            "/verify", content=token, headers={"content-type": "application/vc+jwt"}
        )
        assert answer.status_code == 422, answer.text
        with pytest.raises(MalformedJwt):
            parse_compact_jws(token)

    def test_in_a_wrapper(self) -> None:
        body = b'{"verifiableCredential": {"@context": [], "id": "\\ud800"}, "email": "a@x.jp"}'
        with pytest.raises(MalformedSubmission):
            parse_submission(body, "application/json")


class TestVcApi:
    @pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify"])
    def test_a_lone_surrogate_is_a_422(self, client: TestClient, path: str) -> None:
        credential = _with_name(r'"\ud800"').decode("utf-8")
        member = (
            "verifiableCredential" if path == "/credentials/verify" else "verifiablePresentation"
        )
        if member == "verifiablePresentation":
            credential = (
                '{"@context": ["https://www.w3.org/ns/credentials/v2"], '
                f'"type": ["VerifiablePresentation"], "verifiableCredential": [{credential}]}}'
            )
        answer = client.post(path, content=f'{{"{member}": {credential}}}', headers=JSON)
        assert answer.status_code == 422, answer.text
        assert "lone surrogate" in answer.text
