"""Content negotiation between the HTML page and the JSON document of a resource (pure)."""

from __future__ import annotations

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# What programs ask for; `*/*` counts as JSON so that clients sending it keep getting JSON.
JSON_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/vc+ld+json",
        "application/did+ld+json",
        "application/*",
        "*/*",
    }
)
VARY = "Accept, Accept-Language"


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0


def prefers_html(accept: str | None) -> bool:
    """Return whether an Accept header prefers an HTML page to JSON (a tie goes to JSON).

    Browsers send `text/html,...,*/*;q=0.8`; programs send a JSON type, `*/*`, or nothing.
    """
    best_html = 0.0
    best_json = 0.0
    for part in (accept or "").split(","):
        media_type, *params = (piece.strip() for piece in part.split(";"))
        media_type = media_type.lower()
        quality = _quality(params)
        if media_type in HTML_TYPES:
            best_html = max(best_html, quality)
        elif media_type in JSON_TYPES:
            best_json = max(best_json, quality)
    return best_html > 0.0 and best_html > best_json
