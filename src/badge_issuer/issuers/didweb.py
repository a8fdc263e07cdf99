"""did:web identifiers of our issuers (pure): `did:web:<host>[%3A<port>][:<path>]:issuers:<slug>`.

did:web resolution turns `did:web:example.org:issuers:city` into
`https://example.org/issuers/city/did.json`, which is the route that serves the DID document.
A public URL with a path (`https://example.org/badges`) adds its segments before `issuers`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

# Lower-case letters, digits and inner hyphens: safe in a URL path and in a did:web segment.
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
_SLUG = re.compile(SLUG_PATTERN)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_valid_slug(slug: str) -> bool:
    """Return whether `slug` may name an issuer (and so appear in its DID and URLs)."""
    return bool(_SLUG.fullmatch(slug))


# A few origins per deployment (the settings' known origins); a verification asks for each of
# them several times, and parsing and quoting them again cost more than a database read.
@lru_cache(maxsize=64)
def _did_prefix(public_origin: str) -> str:
    """Return `did:web:<host>[%3A<port>][:<path segments>]:issuers:` for the public origin."""
    parts = urlsplit(public_origin)
    if not parts.hostname:
        raise ValueError("the public origin must be an absolute URL with a host")
    host = quote(parts.hostname, safe="")
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        host += f"%3A{port}"
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *segments, "issuers", ""])


def issuer_did(public_origin: str, slug: str) -> str:
    """Return the did:web DID of the issuer `slug` served under `public_origin`."""
    if not is_valid_slug(slug):
        raise ValueError(f"not a valid issuer slug: {slug!r}")
    return _did_prefix(public_origin) + slug


def slug_from_did(did: str, public_origin: str) -> str | None:
    """Return the slug when `did` is one of our issuers' DIDs, else None (no fragment allowed)."""
    prefix = _did_prefix(public_origin)
    if not did.startswith(prefix):
        return None
    slug = did[len(prefix) :]
    return slug if is_valid_slug(slug) else None


def verification_method_id(did: str, key_id: str) -> str:
    """Return the DID URL of a key: `<did>#<key_id>`."""
    return f"{did}#{key_id}"


def split_verification_method(verification_method: str) -> tuple[str, str] | None:
    """Split `<did>#<key_id>` into its DID and key id, or return None when it is not that shape."""
    did, sep, key_id = verification_method.partition("#")
    if not sep or not did or not key_id or "#" in key_id:
        return None
    return did, key_id


def issuer_path(slug: str) -> str:
    """Return the public path of the issuer's Profile (the DID document is under it)."""
    return f"/issuers/{slug}"
