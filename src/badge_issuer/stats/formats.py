"""Which representation to answer with: `?format=` first, else the Accept header (pure)."""

from __future__ import annotations

from enum import StrEnum

from badge_issuer.kit.accept import weighted_values


class OutputFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    SVG = "svg"


MEDIA_TYPES = {
    OutputFormat.JSON: "application/json",
    OutputFormat.CSV: "text/csv",
    OutputFormat.SVG: "image/svg+xml",
}
_BY_MEDIA_TYPE = {media_type: fmt for fmt, media_type in MEDIA_TYPES.items()}


def choose_format(requested: OutputFormat | None, accept: str | None) -> OutputFormat:
    """Pick the format: an explicit `format` wins; else the best-weighted Accept type we have.

    Anything else (absent header, */*, only types we lack) gets JSON rather than a 406, so
    browsers and simple clients always get an answer.
    """
    if requested is not None:
        return requested
    best: tuple[float, int, OutputFormat] | None = None
    for position, (media_type, weight) in enumerate(weighted_values(accept)):
        fmt = _BY_MEDIA_TYPE.get(media_type.lower())
        # The range check also turns NaN into "not acceptable".
        if fmt is None or not 0.0 < weight <= 1.0:
            continue
        candidate = (weight, -position, fmt)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return OutputFormat.JSON if best is None else best[2]
