"""A verifier that knows nothing of the service: it reads DID documents and status lists by URL.

It maps each did:web to its document URL and each status list to its URL, and asks `fetch`
(path and host) for them, so a test can point it at the service under some Host name, or at a
static web server holding an archive. Nothing is trusted for being ours: status lists have
their proofs checked like any other issuer's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from badge_issuer.verification.did_documents import did_web_url, key_from_did_document
from badge_issuer.verification.ports import (
    KnownIssuer,
    ResolutionError,
    ResolvedKey,
    ResolvedStatusList,
)

Fetch = Callable[[str, str], Any]  # (host[:port], path) -> parsed JSON


class IndependentResolver:
    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self.fetched: list[str] = []

    def _get(self, url: str) -> Any:
        parts = urlsplit(url)
        self.fetched.append(url)
        return self._fetch(parts.netloc, parts.path)

    def resolve_key(self, verification_method: str) -> ResolvedKey:
        did = verification_method.partition("#")[0]
        if not did.startswith("did:web:"):
            raise ResolutionError(f"{verification_method}: only did:web here")
        url = did_web_url(did)
        return key_from_did_document(
            self._get(url), did=did, method_id=verification_method, source=url
        )

    def resolve_status_list(self, url: str) -> ResolvedStatusList:
        document = self._get(url)
        if not isinstance(document, dict):
            raise ResolutionError(f"{url} is not a JSON object")
        return ResolvedStatusList(url=url, document=document, trusted=False)

    def recognize_issuer(self, issuer_id: str) -> KnownIssuer | None:
        """An independent verifier has no registry of its own: nobody is recognized."""
        return None
