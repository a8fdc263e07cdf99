"""The inverse of the status-index permutation: a test oracle that proves it is a bijection."""

from __future__ import annotations

from badge_issuer.status.encoding import FEISTEL_ROUNDS, _domain_bits, _round_value


def unpermute(index: int, *, key: bytes, size: int) -> int:
    """Invert `permute`: return the counter that maps to `index`."""
    bits = _domain_bits(size)
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside [0, {size})")
    # After an even number of rounds the halves have their starting widths again.
    left_bits, right_bits = _final_widths(bits)
    left, right = index >> right_bits, index & ((1 << right_bits) - 1)
    for round_number in reversed(range(FEISTEL_ROUNDS)):
        left_bits, right_bits = right_bits, left_bits
        previous_right = left
        previous_left = right ^ _round_value(key, round_number, previous_right, left_bits)
        left, right = previous_left, previous_right
    return (left << right_bits) | right


def _final_widths(bits: int) -> tuple[int, int]:
    """Return the (left, right) widths after all rounds of `permute`."""
    left_bits, right_bits = bits // 2, bits - bits // 2
    if FEISTEL_ROUNDS % 2:
        return right_bits, left_bits
    return left_bits, right_bits
