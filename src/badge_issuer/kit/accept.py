"""Accept-style header values with their weights (pure), for content and language negotiation.

`Accept: text/csv;q=0.9, */*;q=0.1` and `Accept-Language: en-GB, ja;q=0.5` share one syntax:
comma-separated values, each with `;`-separated parameters, of which `q` is the weight.
"""

from __future__ import annotations


def weighted_values(header: str | None) -> list[tuple[str, float]]:
    """Return each value of the header (stripped, case kept) with its q weight, in order.

    A value without `q` weighs 1.0, one whose `q` is not a number 0.0; the caller decides
    what to make of weights outside 0..1 (NaN included).
    """
    values: list[tuple[str, float]] = []
    for part in (header or "").split(","):
        value, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, raw = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(raw)
                except ValueError:
                    weight = 0.0
        values.append((value, weight))
    return values
