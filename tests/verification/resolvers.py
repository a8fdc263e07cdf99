"""An in-memory Resolver for pure verification tests: keys and status lists given up front."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from badge_issuer.verification.ports import (
    KnownIssuer,
    ResolutionError,
    ResolvedKey,
    ResolvedStatusList,
)


@dataclass
class DictResolver:
    """Knows exactly the keys and lists it was given; everything else does not resolve."""

    keys: dict[str, ResolvedKey] = field(default_factory=dict)
    lists: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    trusted_lists: bool = False
    issuers: dict[str, KnownIssuer] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def resolve_key(self, verification_method: str) -> ResolvedKey:
        self.asked.append(verification_method)
        if verification_method not in self.keys:
            raise ResolutionError(f"{verification_method} is unknown (test resolver)")
        return self.keys[verification_method]

    def resolve_status_list(self, url: str) -> ResolvedStatusList:
        self.asked.append(url)
        if url not in self.lists:
            raise ResolutionError(f"{url} is unknown (test resolver)")
        return ResolvedStatusList(url=url, document=self.lists[url], trusted=self.trusted_lists)

    def recognize_issuer(self, issuer_id: str) -> KnownIssuer | None:
        return self.issuers.get(issuer_id)
