"""Signing key lifecycle per issuer (scope `keys`): create, activate, retire, revoke, re-sign."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status
from sqlalchemy.orm import Session

from badge_issuer.admin.deps import IssuerKeysAdmin
from badge_issuer.api.deps import NowDep, SessionDep, SettingsDep
from badge_issuer.awards import resign
from badge_issuer.config import Settings
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.didweb import issuer_did
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service
from badge_issuer.keys.models import SigningKey
from badge_issuer.keys.schemas import KeyRead, KeyRevoke, ResignRead
from badge_issuer.kit.pagination import MAX_CURSOR, Page
from badge_issuer.problems import problem_responses

router = APIRouter(prefix="/v1/admin/issuers/{slug}/keys", tags=["admin: keys"])

SlugPath = Annotated[str, Path(max_length=64, description="The issuer's slug.")]
KeyIdPath = Annotated[str, Path(max_length=64, description="The key id, e.g. `key-1a2b3c4d`.")]
_CHANGE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


def _read(key: SigningKey, *, slug: str, public_origin: str) -> KeyRead:
    return KeyRead.from_key(key, did=issuer_did(public_origin, slug))


@router.get("", response_model=Page[KeyRead], responses=problem_responses(401, 403, 404, 422))
def list_keys(
    slug: SlugPath,
    session: SessionDep,
    settings: SettingsDep,
    _admin: IssuerKeysAdmin,
    after: Annotated[
        int, Query(ge=0, le=MAX_CURSOR, description="Cursor: `next_cursor` of the last page.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[KeyRead]:
    """List the issuer's keys, oldest first, with their states."""
    issuer = issuer_service.get_issuer(session, slug)
    keys = service.list_keys(session, issuer=issuer, after_id=after, limit=limit)
    items = [_read(key, slug=slug, public_origin=settings.public_origin) for key in keys]
    return Page[KeyRead].of(items, rows=keys, limit=limit)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=KeyRead,
    responses=problem_responses(401, 403, 404, 422),
)
def create_key(
    slug: SlugPath, session: SessionDep, settings: SettingsDep, now: NowDep, admin: IssuerKeysAdmin
) -> KeyRead:
    """Generate a new Ed25519 key in state `staged` (published, not yet signing)."""
    issuer = issuer_service.get_issuer(session, slug)
    key = service.create_key(session, issuer=issuer, settings=settings, actor=admin.actor, now=now)
    return _read(key, slug=slug, public_origin=settings.public_origin)


@dataclass(frozen=True, slots=True)
class _KeyChange:
    """A change by an admin, now, to the key the path names (`…/{slug}/keys/{key_id}/…`)."""

    session: Session
    settings: Settings
    slug: str
    key_id: str
    actor: str
    now: datetime

    def issuer(self) -> Issuer:
        return issuer_service.get_issuer(self.session, self.slug)

    def apply(self, change: Callable[..., SigningKey], **details: Any) -> KeyRead:
        """Run one state change of the key (a keys.service function) and answer with the key."""
        key = change(
            self.session,
            issuer=self.issuer(),
            key_id=self.key_id,
            actor=self.actor,
            now=self.now,
            **details,
        )
        return _read(key, slug=self.slug, public_origin=self.settings.public_origin)


def _key_change(
    slug: SlugPath,
    key_id: KeyIdPath,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    admin: IssuerKeysAdmin,
) -> _KeyChange:
    return _KeyChange(session, settings, slug, key_id, admin.actor, now)


KeyChangeDep = Annotated[_KeyChange, Depends(_key_change)]


def _add_state_change_route(
    action: str, change: Callable[..., SigningKey], *, docstring: str
) -> None:
    """Register POST /{key_id}/<action>: one state change of the key, answered with the key."""

    def endpoint(key: KeyChangeDep) -> KeyRead:
        return key.apply(change)

    router.post(
        f"/{{key_id}}/{action}",
        name=f"{action}_key",
        description=docstring,
        response_model=KeyRead,
        responses=_CHANGE_PROBLEMS,
    )(endpoint)


_add_state_change_route(
    "activate",
    service.activate_key,
    docstring="Make a staged key the signing key; the previous active key becomes `retired`.",
)
_add_state_change_route(
    "retire",
    service.retire_key,
    docstring="Stop signing with a key; it stays published so what it signed still verifies.",
)


@router.post("/{key_id}/revoke", response_model=KeyRead, responses=_CHANGE_PROBLEMS)
def revoke_key(data: KeyRevoke, key: KeyChangeDep) -> KeyRead:
    """Revoke a key: it leaves the DID document and credentials it signed stop verifying."""
    return key.apply(service.revoke_key, reason=data.reason)


@router.post(
    "/{key_id}/resign",
    response_model=ResignRead,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
def resign_credentials(
    key: KeyChangeDep,
    batch_size: Annotated[int, Query(ge=1, le=resign.MAX_BATCH_SIZE)] = resign.DEFAULT_BATCH_SIZE,
) -> ResignRead:
    """Re-sign the next batch of the key's unrevoked credentials with the active key."""
    outcome = resign.resign_batch(
        key.session,
        issuer=key.issuer(),
        key_id=key.key_id,
        batch_size=batch_size,
        settings=key.settings,
        actor=key.actor,
        now=key.now,
    )
    return ResignRead.model_validate(outcome, from_attributes=True)
