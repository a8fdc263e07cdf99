"""The service's Resolver: own keys and lists from the database, did:key offline, the rest fetched.

- `did:key` resolves offline (credentials core).
- Keys and status lists of this service's own issuers come from the database; a did:web or
  URL on this service's own origin that is not found is never fetched.
- Other did:web documents and status lists are fetched only through `fetch.fetch_json`, which
  allows only the operator's allow-listed hosts (none by default).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import lru_cache, partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badge_issuer.awards import status_lists as publication
from badge_issuer.config import Settings
from badge_issuer.credentials.didkey import DID_KEY_PREFIX
from badge_issuer.credentials.proofs.multikey import decode_ed25519_public_key
from badge_issuer.issuers.didweb import split_verification_method
from badge_issuer.issuers.origins import origin_of_did, origin_of_url, own_did_prefixes
from badge_issuer.keys.models import KeyState
from badge_issuer.verification import repository
from badge_issuer.verification.did_documents import (
    DID_WEB_PREFIX,
    did_web_url,
    key_from_did_document,
)
from badge_issuer.verification.fetch import FetchPolicy, fetch_json
from badge_issuer.verification.ports import (
    KnownIssuer,
    ResolutionError,
    ResolvedKey,
    ResolvedStatusList,
    did_key_resolved,
)
from badge_issuer.verification.trust_list import TrustListInvalid, read_trust_list

Fetcher = Callable[[str], Any]
THIS_SERVICE = "this service"
TRUST_LIST = "the trust list of partner issuers"
log = structlog.get_logger(__name__)


class ServiceResolver:
    """Resolves keys and status lists for one verification, within one database session."""

    def __init__(
        self,
        session: repository.Reader,
        *,
        settings: Settings,
        now: datetime,
        fetch: Fetcher | None = None,
    ) -> None:
        self._session = session
        self._settings = settings
        self._now = now
        policy = FetchPolicy.of(settings.verifier_allowed_hosts)
        self._fetch = fetch or (lambda url: fetch_json(url, policy))
        self._own_did_prefixes = own_did_prefixes(settings.known_origins)
        self._own_hosts = {urlsplit(origin).hostname for origin in settings.known_origins}
        # Our issuers (with the key a proof names) by DID and key id, read once per
        # verification: the key check and the issuer check need the same issuer row.
        self._issuer_keys: dict[tuple[str, str | None], repository.IssuerKey | None] = {}

    def _issuer_key(self, did: str, key_id: str | None) -> repository.IssuerKey | None:
        """Our issuer `did` with its key `key_id` (None: any row of that issuer will do)."""
        if key_id is None:
            known = [row for (seen, _), row in self._issuer_keys.items() if seen == did]
            if known:  # every lookup of one DID finds the issuer, or finds no issuer
                return known[0]
        if (did, key_id) not in self._issuer_keys:
            found = origin_of_did(did, self._settings.known_origins)
            self._issuer_keys[did, key_id] = (
                repository.issuer_and_key(self._session, slug=found[1], key_id=key_id)
                if found is not None
                else None
            )
        return self._issuer_keys[did, key_id]

    def resolve_key(self, verification_method: str) -> ResolvedKey:
        """Return the verification method, or raise ResolutionError saying why not."""
        if verification_method.startswith(DID_KEY_PREFIX):
            return self._did_key(verification_method)
        if verification_method.startswith(self._own_did_prefixes):
            return self._own_key(verification_method)
        if verification_method.startswith(DID_WEB_PREFIX):
            return self._did_web_key(verification_method)
        raise ResolutionError(
            f"{verification_method}: only did:key and did:web verification methods are resolved"
        )

    def resolve_status_list(
        self, url: str, *, indexes: frozenset[int] | None = None
    ) -> ResolvedStatusList:
        """Return the status list credential at `url`, or raise ResolutionError.

        `indexes`: the only bits the caller will read (an own list may then be read there only).
        """
        own = origin_of_url(url, self._settings.known_origins, path="/status-lists/")
        if own is not None:
            return self._own_list(url, origin=own[0], public_id=own[1], indexes=indexes)
        if urlsplit(url).hostname in self._own_hosts:
            raise ResolutionError(f"{url} is not a status list of this service")
        return ResolvedStatusList(url=url, document=_object(self._fetch(url), url))

    def recognize_issuer(self, issuer_id: str) -> KnownIssuer | None:
        """Return this service's issuer, or the trust list's entry, for an issuer id."""
        own = self._issuer_key(issuer_id, None)
        if own is not None:
            return KnownIssuer(id=issuer_id, name=own.issuer_name, source=THIS_SERVICE)
        if self._settings.trusted_issuers is None:
            return None
        try:
            partners = read_trust_list(self._settings.trusted_issuers)
        except TrustListInvalid as error:
            # Fail safe: an unreadable list recognizes nobody (and says so in the log).
            log.error("verification.trust_list.unreadable", error=str(error))
            return None
        name = partners.get(issuer_id)
        return KnownIssuer(id=issuer_id, name=name, source=TRUST_LIST) if name else None

    def _did_key(self, verification_method: str) -> ResolvedKey:
        return did_key_resolved(verification_method)

    def _own_key(self, verification_method: str) -> ResolvedKey:
        """Our key behind `<did>#<key_id>`; its state (revoked or not) is read every time."""
        parts = split_verification_method(verification_method)
        own = self._issuer_key(*parts) if parts is not None else None
        if parts is None or own is None or own.public_key_multibase is None:
            raise ResolutionError(f"{verification_method} is not a key of this service")
        return ResolvedKey(
            id=verification_method,
            controller=parts[0],
            public_key=_own_public_key(own.public_key_multibase),
            revoked=own.key_state == KeyState.REVOKED,
            source=THIS_SERVICE,
        )

    def _did_web_key(self, verification_method: str) -> ResolvedKey:
        did = verification_method.partition("#")[0]
        url = did_web_url(did)
        if urlsplit(url).hostname in self._own_hosts:
            raise ResolutionError(f"{verification_method} is not a key of this service")
        document = self._fetch(url)
        return key_from_did_document(document, did=did, method_id=verification_method, source=url)

    def _own_list(
        self, url: str, *, origin: str, public_id: str, indexes: frozenset[int] | None
    ) -> ResolvedStatusList:
        """The list as a verifier of our own credentials reads it.

        The stored signed document is always current (a revocation re-signs it or drops it);
        when it is missing, or the list is read under a previous origin, the unsigned
        equivalent is built from the revoked indexes: with `indexes`, only those are read
        (a few index lookups, where the whole list walks up to 131,072 entries).
        """
        row = repository.status_list(self._session, public_id=public_id)
        if row is None:
            raise ResolutionError(f"{url} is not a status list of this service")
        if row.signed_document is not None and origin == self._settings.public_origin:
            document = json.loads(row.signed_document)
            return ResolvedStatusList(url=url, document=document, trusted=True)
        document = publication.unsigned_document(
            public_id=public_id,
            purpose=row.purpose,
            size=row.size,
            issuer_slug=row.issuer_slug,
            origin=origin,
            indexes=(
                repository.revoked_indexes(self._session, list_id=row.id)
                if indexes is None
                else repository.revoked_among(self._session, list_id=row.id, indexes=indexes)
            ),
            now=self._now,
        )
        return ResolvedStatusList(url=url, document=document, trusted=True, covers=indexes)


@lru_cache(maxsize=256)
def _own_public_key(multibase: str) -> Ed25519PublicKey:
    """Our issuers' public keys, decoded once per process (base58 costs more than a query).

    Keyed by the key material itself; whether the key is still trusted is read every time."""
    return Ed25519PublicKey.from_public_bytes(decode_ed25519_public_key(multibase))


def _object(value: Any, url: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ResolutionError(f"{url} did not answer with a JSON object")
    return value


class PrefetchedResolver:
    """Answers from keys and lists resolved up front; anything else goes to the inner resolver.

    Resolving what a credential names before the CPU-bound checks lets the caller end its
    database transaction early (see `service.verify_submission`).
    """

    def __init__(
        self,
        inner: ServiceResolver,
        *,
        methods: Iterable[str],
        lists: Mapping[str, frozenset[int] | None],
        issuers: Iterable[str] = (),
    ) -> None:
        """`lists`: status list URLs, each with the indexes to read (None: the whole list)."""
        self._inner = inner
        self._keys = {method: _attempt(inner.resolve_key, method) for method in methods}
        self._lists = {
            url: _attempt(partial(inner.resolve_status_list, indexes=indexes), url)
            for url, indexes in lists.items()
        }
        self._issuers = {issuer: inner.recognize_issuer(issuer) for issuer in issuers}

    def recognize_issuer(self, issuer_id: str) -> KnownIssuer | None:
        if issuer_id in self._issuers:
            return self._issuers[issuer_id]
        return self._inner.recognize_issuer(issuer_id)

    def resolve_key(self, verification_method: str) -> ResolvedKey:
        return _recalled(self._keys, verification_method, self._inner.resolve_key)

    def resolve_status_list(self, url: str) -> ResolvedStatusList:
        return _recalled(self._lists, url, self._inner.resolve_status_list)


_T = TypeVar("_T")


def _recalled(
    known: Mapping[str, _T | ResolutionError], key: str, resolve: Callable[[str], _T]
) -> _T:
    """The pre-fetched answer (or its failure, raised again); what was not asked for, now."""
    found = known.get(key)
    if found is None:
        return resolve(key)
    if isinstance(found, ResolutionError):
        raise found
    return found


def _attempt(resolve: Callable[[str], _T], key: str) -> _T | ResolutionError:
    try:
        return resolve(key)
    except ResolutionError as error:
        return error
