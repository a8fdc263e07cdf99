"""Which representation to answer with: `?format=` first, else the Accept header (pure)."""

from __future__ import annotations

from enum import StrEnum


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
    for position, item in enumerate((accept or "").split(",")):
        media_type, weight = _parse_item(item)
        fmt = _BY_MEDIA_TYPE.get(media_type)
        if fmt is None or weight <= 0:
            continue
        candidate = (weight, -position, fmt)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return OutputFormat.JSON if best is None else best[2]


def _parse_item(item: str) -> tuple[str, float]:
    media_type, *parameters = (part.strip() for part in item.split(";"))
    weight = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
    # The comparison also turns NaN into "not acceptable".
    return media_type.lower(), (weight if 0.0 <= weight <= 1.0 else 0.0)
