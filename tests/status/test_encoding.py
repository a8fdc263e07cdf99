"""Pure status-list encoding: the keyed permutation and the W3C encodedList format."""

from __future__ import annotations

import base64
import gzip
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badge_issuer.status import encoding
from badge_issuer.status.encoding import (
    MIN_LIST_BITS,
    EncodedListError,
    bit_is_set,
    build_bitstring,
    decode_list,
    encode_list,
    permute,
)
from tests.status.feistel import unpermute

KEY = bytes(range(32))


class TestPermute:
    def test_is_a_bijection_over_the_full_131072_entry_domain(self) -> None:
        images = [permute(counter, key=KEY, size=MIN_LIST_BITS) for counter in range(MIN_LIST_BITS)]
        assert sorted(images) == list(range(MIN_LIST_BITS))

    def test_is_a_bijection_for_small_odd_and_even_bit_widths(self) -> None:
        for size in (4, 8, 16, 32, 1024, 2048):
            assert sorted(permute(c, key=KEY, size=size) for c in range(size)) == list(range(size))

    def test_unpermute_inverts_permute(self) -> None:
        for counter in (0, 1, 2, 4095, 65_536, MIN_LIST_BITS - 1):
            index = permute(counter, key=KEY, size=MIN_LIST_BITS)
            assert unpermute(index, key=KEY, size=MIN_LIST_BITS) == counter

    def test_first_indexes_are_not_sequential(self) -> None:
        first = [permute(counter, key=KEY, size=MIN_LIST_BITS) for counter in range(100)]
        steps = [b - a for a, b in itertools.pairwise(first)]
        assert steps.count(1) < 5
        assert first != sorted(first)

    def test_different_keys_give_different_orders(self) -> None:
        other = bytes(32)
        a = [permute(c, key=KEY, size=MIN_LIST_BITS) for c in range(20)]
        b = [permute(c, key=other, size=MIN_LIST_BITS) for c in range(20)]
        assert a != b

    def test_is_deterministic_for_a_key(self) -> None:
        assert permute(7, key=KEY, size=MIN_LIST_BITS) == permute(7, key=KEY, size=MIN_LIST_BITS)

    @pytest.mark.parametrize("size", [0, 2, 3, 100, 131_073])
    def test_refuses_sizes_that_are_not_powers_of_two(self, size: int) -> None:
        with pytest.raises(ValueError, match="power of two"):
            permute(0, key=KEY, size=size)

    @pytest.mark.parametrize("counter", [-1, MIN_LIST_BITS])
    def test_refuses_counters_outside_the_domain(self, counter: int) -> None:
        with pytest.raises(ValueError, match="outside"):
            permute(counter, key=KEY, size=MIN_LIST_BITS)


class TestBitstring:
    def test_bit_zero_is_the_most_significant_bit_of_the_first_byte(self) -> None:
        bits = build_bitstring([0, 9], size=MIN_LIST_BITS)
        assert bits[0] == 0x80
        assert bits[1] == 0x40
        assert len(bits) == MIN_LIST_BITS // 8

    def test_bit_is_set_reads_what_was_set(self) -> None:
        bits = build_bitstring([5, MIN_LIST_BITS - 1], size=MIN_LIST_BITS)
        assert bit_is_set(bits, 5)
        assert bit_is_set(bits, MIN_LIST_BITS - 1)
        assert not bit_is_set(bits, 4)

    def test_refuses_lists_below_the_spec_minimum(self) -> None:
        with pytest.raises(ValueError, match="131072"):
            build_bitstring([], size=MIN_LIST_BITS // 2)

    def test_refuses_indexes_outside_the_list(self) -> None:
        with pytest.raises(ValueError, match="outside"):
            build_bitstring([MIN_LIST_BITS], size=MIN_LIST_BITS)

    def test_reading_outside_the_list_is_an_index_error(self) -> None:
        with pytest.raises(IndexError):
            bit_is_set(bytes(16), 128)


class TestEncodedList:
    def test_is_multibase_u_then_unpadded_base64url_of_gzip(self) -> None:
        bits = build_bitstring([3], size=MIN_LIST_BITS)
        encoded = encode_list(bits)
        assert encoded.startswith("u")
        assert "=" not in encoded
        assert "+" not in encoded
        assert "/" not in encoded
        body = encoded[1:]
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        assert gzip.decompress(raw) == bits

    def test_equal_bitstrings_encode_identically(self) -> None:
        bits = build_bitstring([1, 2, 3], size=MIN_LIST_BITS)
        assert encode_list(bits) == encode_list(bits)

    def test_an_empty_minimum_list_is_small(self) -> None:
        assert len(encode_list(build_bitstring([], size=MIN_LIST_BITS))) < 200

    @given(st.sets(st.integers(min_value=0, max_value=MIN_LIST_BITS - 1), max_size=200))
    def test_round_trips(self, indexes: set[int]) -> None:
        bits = build_bitstring(indexes, size=MIN_LIST_BITS)
        decoded = decode_list(encode_list(bits))
        assert decoded == bits
        assert {i for i in range(MIN_LIST_BITS) if bit_is_set(decoded, i)} == indexes

    def test_decodes_a_list_made_by_another_gzip_writer(self) -> None:
        bits = build_bitstring([42], size=MIN_LIST_BITS)
        compressed = gzip.compress(bits, compresslevel=1, mtime=123456)
        text = "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")
        assert bit_is_set(decode_list(text), 42)

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("H4sIAAAAAAAAA", "prefix 'u'"),
            ("u", "non-empty"),
            ("uAAAA==", "unpadded"),
            ("u!!!!", "base64url"),
            ("u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="), "GZIP"),
        ],
    )
    def test_refuses_malformed_values(self, value: str, reason: str) -> None:
        with pytest.raises(EncodedListError, match=reason):
            decode_list(value)

    def test_refuses_a_truncated_gzip_stream(self) -> None:
        compressed = gzip.compress(bytes(MIN_LIST_BITS // 8), mtime=0)[:-12]
        text = "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")
        with pytest.raises(EncodedListError, match="truncated"):
            decode_list(text)

    def test_refuses_a_gzip_bomb(self) -> None:
        bomb = gzip.compress(bytes(encoding.MAX_DECODED_BYTES + 1), mtime=0)
        text = "u" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
        with pytest.raises(EncodedListError, match="more than"):
            decode_list(text)
