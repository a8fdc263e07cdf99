"""Where each public URL of the service lives in a static archive (pure).

A static web server maps a URL path to one file, and a path cannot be a file and a folder at
once: `/credentials/{uuid}` is a document and also the parent of its baked images. The
documents a verifier needs (credentials, DID documents, status lists, endorsements) keep their
exact paths, so any static server answers them; the rest get files beside them, and the example
server configurations written with the archive map their URLs back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}"


@dataclass(frozen=True)
class Placement:
    """The file of one URL path, and the media type a server should answer it with."""

    file: str
    media_type: str


_JSON_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(rf"^/issuers/({_SEGMENT})/did\.json$"),
        r"issuers/\1/did.json",
        "application/did+ld+json",
    ),
    (re.compile(rf"^/issuers/({_SEGMENT})$"), r"issuers/\1/index.json", "application/ld+json"),
    (re.compile(rf"^/credentials/({_SEGMENT})$"), r"credentials/\1", "application/json"),
    (re.compile(rf"^/status-lists/({_SEGMENT})$"), r"status-lists/\1", "application/json"),
    (re.compile(rf"^/endorsements/({_SEGMENT})$"), r"endorsements/\1", "application/json"),
    (re.compile(r"^/achievements$"), r"achievements/index.json", "application/json"),
    (re.compile(rf"^/achievements/({_SEGMENT})$"), r"achievements/\1", "application/json"),
)
_IMAGE_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(rf"^/credentials/({_SEGMENT})/image\.png$"), r"credentials/\1.png", "image/png"),
    (
        re.compile(rf"^/credentials/({_SEGMENT})/image\.svg$"),
        r"credentials/\1.svg",
        "image/svg+xml",
    ),
    (re.compile(rf"^/achievements/({_SEGMENT})/image$"), r"achievements/\1.image", ""),
)
# Pages for browsers: the same URL as the JSON document, asked for with Accept: text/html.
_PAGE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/$"), "index.html"),
    (re.compile(rf"^/issuers/({_SEGMENT})$"), r"issuers/\1/index.html"),
    (re.compile(rf"^/credentials/({_SEGMENT})$"), r"credentials/\1.html"),
    (re.compile(rf"^/endorsements/({_SEGMENT})$"), r"endorsements/\1.html"),
    (re.compile(r"^/achievements$"), r"achievements/index.html"),
    (re.compile(rf"^/achievements/({_SEGMENT})$"), r"achievements/\1.html"),
)
_ASSET = re.compile(rf"^/(?:{_SEGMENT}/)*{_SEGMENT}\.(css|svg|png|ico|woff2?)$")


def document_file(path: str) -> Placement | None:
    """Return where the JSON (or image) answer of `path` goes, None when it is not archived."""
    for pattern, template, media_type in (*_JSON_RULES, *_IMAGE_RULES):
        if pattern.fullmatch(path):
            return Placement(pattern.sub(template, path), media_type)
    return None


def page_file(path: str) -> str | None:
    """Return where the HTML page of `path` goes, None when it has none."""
    for pattern, template in _PAGE_RULES:
        if pattern.fullmatch(path):
            return pattern.sub(template, path)
    return None


def asset_file(path: str) -> str | None:
    """Return the file of a stylesheet, icon or image a page links to (its exact path)."""
    if _ASSET.fullmatch(path) and document_file(path) is None:
        return path.lstrip("/")
    return None
