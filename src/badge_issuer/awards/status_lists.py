"""The published, signed BitstringStatusListCredential of each list, and when it is re-signed.

The signed document is stored with its ETag and served as is. It is signed again when a bit
changes (a revocation), when it is missing, and when the key that signed it is no longer the
issuer's active key (after a rotation or a key revocation), so the list keeps verifying.
Re-signing locks the list row first: a reader re-signing from an older snapshot can never
overwrite the document of a revocation that committed meanwhile.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from badge_issuer.awards import repository as award_repository
from badge_issuer.config import Settings
from badge_issuer.credentials.proofs.data_integrity import sign_credential
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.endorsements import repository as endorsement_repository
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.errors import KeyUnavailable, NoActiveKey
from badge_issuer.kit.http import etag_of
from badge_issuer.kit.lookup import found
from badge_issuer.status import repository
from badge_issuer.status.document import status_list_credential
from badge_issuer.status.encoding import build_bitstring, encode_list
from badge_issuer.status.errors import StatusListNotFound, StatusListUnavailable
from badge_issuer.status.models import StatusList
from badge_issuer.status.service import list_url_under


@dataclass(frozen=True)
class PublishedList:
    """The signed status list credential as served, and its ETag."""

    document: str
    etag: str


def get_list(session: Session, public_id: str) -> StatusList:
    """Return the list `public_id`, or raise StatusListNotFound (404)."""
    status_list = repository.get_by_public_id(session, public_id)
    return found(status_list, StatusListNotFound(f"No status list {public_id!r}."))


def _issuer(session: Session, status_list: StatusList) -> Issuer:
    issuer = session.get(Issuer, status_list.issuer_id)
    return found(issuer, RuntimeError(f"status list {status_list.public_id} has no issuer row"))


def _stored(status_list: StatusList) -> PublishedList | None:
    if status_list.signed_document is None or status_list.etag is None:
        return None
    return PublishedList(status_list.signed_document, status_list.etag)


def _signed_by(text: str, verification_method: str) -> bool:
    """Return whether the stored document's proof names `verification_method`."""
    proofs = json.loads(text).get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return any(
        isinstance(proof, dict) and proof.get("verificationMethod") == verification_method
        for proof in proofs
    )


def published_list(
    session: Session,
    *,
    public_id: str,
    settings: Settings,
    now: datetime,
    origin: str | None = None,
) -> PublishedList:
    """Return the list's signed credential, signing it first if missing or signed by an old key.

    Under a previous origin (`origin`), the same bits are answered as that origin's list: its
    URL and issuer DID are the ones the credentials minted there name.
    """
    status_list = get_list(session, public_id)
    issuer = _issuer(session, status_list)
    if origin is not None and origin != settings.public_origin:
        return _published_under(
            session, status_list, issuer=issuer, settings=settings, origin=origin, now=now
        )
    stored = _stored(status_list)
    try:
        _, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
    except NoActiveKey:
        if stored is not None:
            return stored
        raise StatusListUnavailable(
            f"Issuer {issuer.slug!r} has no active key to sign its status list.",
        ) from None
    if stored is not None and _signed_by(stored.document, signer.verification_method):
        return stored
    return _sign(session, status_list, issuer=issuer, signer=signer, settings=settings, now=now)


# Lists answered under previous origins are signed on demand, not stored: one signature per
# (origin, list, bits, key), so repeated reads cost a query, not a signature.
_UNDER_PREVIOUS_ORIGINS: OrderedDict[tuple[str, str, str, str], PublishedList] = OrderedDict()
_CACHED_LISTS = 256


def _published_under(
    session: Session,
    status_list: StatusList,
    *,
    issuer: Issuer,
    settings: Settings,
    origin: str,
    now: datetime,
) -> PublishedList:
    try:
        _, signer = key_service.active_signer(
            session, issuer=issuer, settings=settings, origin=origin
        )
    except (NoActiveKey, KeyUnavailable):
        raise StatusListUnavailable(
            f"Issuer {issuer.slug!r} has no active key to sign its status list.",
        ) from None
    unsigned = _unsigned(session, status_list, issuer=issuer, origin=origin, now=now)
    cache_key = (
        origin,
        status_list.public_id,
        unsigned["credentialSubject"]["encodedList"],
        signer.verification_method,
    )
    cached = _UNDER_PREVIOUS_ORIGINS.get(cache_key)
    if cached is not None:
        _UNDER_PREVIOUS_ORIGINS.move_to_end(cache_key)
        return cached
    text = json.dumps(
        sign_credential(unsigned, signer, now), ensure_ascii=False, separators=(",", ":")
    )
    published = PublishedList(text, etag_of(text))
    _UNDER_PREVIOUS_ORIGINS[cache_key] = published
    while len(_UNDER_PREVIOUS_ORIGINS) > _CACHED_LISTS:
        _UNDER_PREVIOUS_ORIGINS.popitem(last=False)
    return published


def _unsigned(
    session: Session, status_list: StatusList, *, issuer: Issuer, origin: str, now: datetime
) -> dict[str, Any]:
    """Build the list's unsigned credential from the revoked entries, as minted under `origin`.

    An issuer's endorsements take entries in the same lists as its credentials.
    """
    indexes = [
        *award_repository.revoked_indexes(session, status_list_id=status_list.id),
        *endorsement_repository.revoked_indexes(session, status_list_id=status_list.id),
    ]
    return unsigned_document(
        public_id=status_list.public_id,
        purpose=status_list.purpose,
        size=status_list.size,
        issuer_slug=issuer.slug,
        origin=origin,
        indexes=indexes,
        now=now,
    )


def unsigned_document(
    *,
    public_id: str,
    purpose: str,
    size: int,
    issuer_slug: str,
    origin: str,
    indexes: Iterable[int],
    now: datetime,
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential of a list with these set bits, under `origin`.

    What is signed and published, and what a verifier of our own credentials reads while no
    signed document is stored.
    """
    return status_list_credential(
        url=list_url_under(origin, public_id),
        issuer=issuer_did(origin, issuer_slug),
        purpose=purpose,
        encoded_list=_encoded(tuple(sorted(set(indexes))), size),
        valid_from=now,
    )


@lru_cache(maxsize=64)
def _encoded(indexes: tuple[int, ...], size: int) -> str:
    """The encodedList of these set bits: a verifier of an unsigned list asks for it per request,
    and building and compressing the bitstring each time was a quarter of a verification."""
    return encode_list(build_bitstring(indexes, size=size))


def refresh_after_change(
    session: Session, *, status_list: StatusList, settings: Settings, now: datetime
) -> PublishedList | None:
    """Re-sign the list after a bit changed; without a usable key, drop the stale document."""
    issuer = _issuer(session, status_list)
    try:
        _, signer = key_service.active_signer(session, issuer=issuer, settings=settings)
    except (NoActiveKey, KeyUnavailable):
        session.refresh(status_list, with_for_update=True)
        # Never serve the old bits: the next read signs again once a key is usable.
        status_list.signed_document = None
        status_list.etag = None
        status_list.updated_at = now
        session.flush()
        return None
    return _sign(session, status_list, issuer=issuer, signer=signer, settings=settings, now=now)


def _sign(
    session: Session,
    status_list: StatusList,
    *,
    issuer: Issuer,
    signer: Signer,
    settings: Settings,
    now: datetime,
) -> PublishedList:
    """Build the list from the revoked awards, sign it with `signer`, store and return it."""
    session.refresh(status_list, with_for_update=True)
    unsigned = _unsigned(
        session, status_list, issuer=issuer, origin=settings.public_origin, now=now
    )
    text = json.dumps(
        sign_credential(unsigned, signer, now), ensure_ascii=False, separators=(",", ":")
    )
    status_list.signed_document = text
    status_list.etag = etag_of(text)
    status_list.updated_at = now
    session.flush()
    return PublishedList(text, status_list.etag)
