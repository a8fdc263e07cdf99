"""The partner issuers an operator trusts: a YAML or JSON file of `{id, name}` entries (pure).

`BADGE_ISSUER_TRUSTED_ISSUERS` names the file (CONTRACT section 8). It is either a list of
entries or `{"issuers": [...]}`; each `id` is the issuer's DID or URL exactly as credentials
state it, and `name` is the name reports show for it (never the name a credential claims).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from badge_issuer.credentials.jsonld.strict import is_absolute_iri

MAX_NAME_LENGTH = 200


class TrustListInvalid(ValueError):
    """The trust list file cannot be read or is not a list of {id, name} entries."""


def parse_trust_list(text: str, *, source: str = "trust list") -> dict[str, str]:
    """Return issuer id -> registered name, or raise TrustListInvalid naming the entry."""
    try:
        loaded: Any = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as error:
        raise TrustListInvalid(f"{source}: not YAML or JSON ({error})") from None
    if isinstance(loaded, Mapping):
        loaded = loaded.get("issuers")
    if loaded is None:
        return {}
    if not isinstance(loaded, list):
        raise TrustListInvalid(f"{source}: expected a list of {{id, name}} entries")
    registry: dict[str, str] = {}
    for index, entry in enumerate(loaded):
        if not isinstance(entry, Mapping) or set(entry) - {"id", "name"}:
            raise TrustListInvalid(f"{source}: entry {index} must have exactly id and name")
        issuer, name = entry.get("id"), entry.get("name")
        if not isinstance(issuer, str) or not is_absolute_iri(issuer):
            raise TrustListInvalid(f"{source}: entry {index}: id must be a DID or URL")
        if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_NAME_LENGTH:
            raise TrustListInvalid(f"{source}: entry {index}: name must be 1-200 characters")
        if issuer in registry:
            raise TrustListInvalid(f"{source}: {issuer} is listed twice")
        registry[issuer] = name.strip()
    return registry


def read_trust_list(path: Path) -> dict[str, str]:
    """Read and parse the trust list file (re-read when it changes on disk)."""
    try:
        stat = path.stat()
    except OSError as error:
        raise TrustListInvalid(f"{path}: cannot be read ({error.strerror})") from None
    return dict(_read_cached(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _read_cached(path: Path, _mtime_ns: int, _size: int) -> tuple[tuple[str, str], ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TrustListInvalid(f"{path}: cannot be read ({error})") from None
    return tuple(parse_trust_list(text, source=str(path)).items())
