"""Which of the service's origins a request or an identifier belongs to (pure).

A deployment that changed its domain keeps answering for its previous origins
(`BADGE_ISSUER_PREVIOUS_ORIGINS`): a credential minted under `https://old.example` names
`did:web:old.example:issuers:default` and `https://old.example/status-lists/…`, and a verifier
resolves those at the old host name, which DNS keeps pointing at the service. Each such request
is answered as the service answered it under that origin; everything new is minted under the
current public origin (the first of `known_origins`).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from badge_issuer.issuers.didweb import issuer_did, slug_from_did

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _authority(origin: str) -> str:
    parts = urlsplit(origin)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme):
        return host
    return f"{host}:{port}"


def _host_authority(host_header: str) -> str:
    host = host_header.strip().lower()
    for default in (":80", ":443"):
        if host.endswith(default):
            return host.removesuffix(default)
    return host


def origin_for_host(host_header: str | None, known_origins: Sequence[str]) -> str:
    """Return the known origin whose host (and port) the request's Host names, else the first.

    Only the authority is compared: behind a proxy that terminates TLS the scheme seen here is
    not the one the client used.
    """
    if host_header:
        wanted = _host_authority(host_header)
        for origin in known_origins:
            if _authority(origin) == wanted:
                return origin
    return known_origins[0]


def origin_of_did(did: str, known_origins: Sequence[str]) -> tuple[str, str] | None:
    """Return (origin, slug) when `did` is one of our issuers' DIDs under a known origin."""
    for origin in known_origins:
        slug = slug_from_did(did, origin)
        if slug is not None:
            return origin, slug
    return None


def origin_of_url(url: str, known_origins: Sequence[str], *, path: str) -> tuple[str, str] | None:
    """Return (origin, rest) when `url` is `<origin><path><rest>` for a known origin."""
    for origin in known_origins:
        prefix = origin + path
        if url.startswith(prefix):
            return origin, url[len(prefix) :]
    return None


def own_did_prefixes(known_origins: Sequence[str]) -> tuple[str, ...]:
    """Return the `did:web:…:issuers:` prefix of every known origin."""
    return tuple(issuer_did(origin, "x")[:-1] for origin in known_origins)
