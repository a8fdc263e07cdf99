"""The base58-btc encoder and decoder answer exactly as the `base58` library they stand in for."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.credentials.proofs.multikey import (
    InvalidMultikey,
    decode_base58btc,
    encode_base58btc,
)

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _library(text: str) -> bytes | str:
    """What decode_base58btc answered with the library alone: bytes, or the error's text."""
    try:
        decoded: bytes = base58.b58decode(text)
    except ValueError as error:
        return f"not base58-btc: {error}"
    return decoded


def _ours(text: str) -> bytes | str:
    try:
        return decode_base58btc("z" + text)
    except InvalidMultikey as error:
        return str(error)


class TestDecodeBase58btc:
    @settings(max_examples=500, deadline=None)
    @given(st.binary(max_size=96))
    def test_round_trips_any_bytes(self, data: bytes) -> None:
        assert decode_base58btc(encode_base58btc(data)) == data

    @settings(max_examples=300, deadline=None)
    @given(st.integers(min_value=0, max_value=8), st.binary(min_size=1, max_size=80))
    def test_leading_zero_bytes_are_leading_ones(self, zeros: int, data: bytes) -> None:
        encoded = encode_base58btc(b"\0" * zeros + data)
        assert encoded.startswith("z" + "1" * zeros)
        assert decode_base58btc(encoded) == b"\0" * zeros + data

    @settings(max_examples=500, deadline=None)
    @given(
        st.text(
            alphabet=_ALPHABET + "0OIl +/\n\u00e9\u0661",
            max_size=100,
        )
    )
    def test_any_text_answers_as_the_library(self, text: str) -> None:
        assert _ours(text) == _library(text)

    @pytest.mark.parametrize(
        "text", ["", "1", "111", "1z", "2", "0", "O", "I", "l", "abc ", " abc", "z\u0661"]
    )
    def test_edge_cases_answer_as_the_library(self, text: str) -> None:
        assert _ours(text) == _library(text)

    def test_a_signature_decodes_to_its_64_bytes(self) -> None:
        signature = bytes(range(64))
        assert decode_base58btc(encode_base58btc(signature)) == signature

    def test_a_value_without_the_multibase_prefix_is_refused(self) -> None:
        with pytest.raises(InvalidMultikey, match="prefix 'z'"):
            decode_base58btc("u" + base58.b58encode(b"abc").decode())


class TestEncodeBase58btc:
    @settings(max_examples=500, deadline=None)
    @given(st.integers(min_value=0, max_value=8), st.binary(max_size=96))
    def test_any_bytes_encode_as_the_library(self, zeros: int, data: bytes) -> None:
        given_bytes = b"\0" * zeros + data
        assert encode_base58btc(given_bytes) == "z" + base58.b58encode(given_bytes).decode()

    @pytest.mark.parametrize(
        "data", [b"", b"\0", b"\0\0\0", b"\x01", b"\xff" * 64, bytes(range(64)), b"\0\x39"]
    )
    def test_edge_cases_encode_as_the_library(self, data: bytes) -> None:
        assert encode_base58btc(data) == "z" + base58.b58encode(data).decode()
