"""What every credential of a completion reads (issuer, active key, endorsements, provider
names), kept per process under the database's configuration token (`kit.config_version`).

A transaction reads the token once (`IssuanceConfig.read`); everything else comes from memory
while the token is unchanged, and is read again in that same transaction when it changed: a key
rotation, an issuer edit, an endorsement revocation or a provider change committed by any
process is used by the next completion.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from badge_issuer.awards import repository
from badge_issuer.config import Settings
from badge_issuer.credentials import ob3
from badge_issuer.credentials.proofs.signer import Signer
from badge_issuer.endorsements import repository as endorsement_repository
from badge_issuer.endorsements import service as endorsement_service
from badge_issuer.issuers import profile as issuer_profile
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys import service as key_service
from badge_issuer.keys.models import SigningKey
from badge_issuer.kit.config_version import VersionedCache, read_token
from badge_issuer.providers import repository as provider_repository

T = TypeVar("T")


def _untracked_copy(row: T) -> T:
    """A copy of an ORM row with its column values that no session tracks: a session's
    rollback expires the rows it holds, and the cached copy is shared across sessions."""
    columns = inspect(type(row)).column_attrs
    return type(row)(**{column.key: getattr(row, column.key) for column in columns})


@dataclass(frozen=True, slots=True)
class IssuerSetup:
    """An issuer, its profile as credentials embed it, and its active key with a signer."""

    issuer: Issuer
    profile: ob3.Profile
    signing_key: SigningKey
    signer: Signer


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    names: Mapping[str, str]
    any_callback: bool


_setups: VersionedCache[IssuerSetup] = VersionedCache()
_endorsements: VersionedCache[tuple[str, ...]] = VersionedCache()
_providers: VersionedCache[ProviderFacts] = VersionedCache()


class IssuanceConfig:
    """One transaction's view of the issuing configuration, through the process caches."""

    def __init__(self, session: Session, settings: Settings, token: str) -> None:
        self._session, self._settings, self._token = session, settings, token

    @property
    def token(self) -> str:
        """The configuration token this view was read under: equal tokens, equal configuration."""
        return self._token

    @classmethod
    def read(cls, session: Session, settings: Settings) -> IssuanceConfig:
        """Read the configuration token (one statement) in the caller's transaction."""
        return cls(session, settings, read_token(session))

    def issuer(self, slug: str) -> IssuerSetup:
        """The issuer `slug` with its active key (IssuerNotFound, NoActiveKey as uncached)."""
        settings = self._settings
        kek = key_service.get_kek(settings).fingerprint
        key = (slug, settings.public_origin, kek)
        return _setups.get(self._token, key, lambda: self._load_issuer(slug))

    def _load_issuer(self, slug: str) -> IssuerSetup:
        issuer = _untracked_copy(issuer_service.get_issuer(self._session, slug))
        signing_key, signer = key_service.active_signer(
            self._session, issuer=issuer, settings=self._settings
        )
        profile = issuer_profile.profile(issuer, self._settings.public_origin)
        return IssuerSetup(
            issuer=issuer,
            profile=ob3.Profile.model_validate(profile),
            signing_key=_untracked_copy(signing_key),
            signer=signer,
        )

    def endorsements(self, achievement_id: str) -> list[dict[str, Any]]:
        """The achievement's signed endorsements in force, oldest first (fresh copies)."""
        texts = _endorsements.get(self._token, achievement_id, lambda: self._load(achievement_id))
        return [json.loads(text) for text in texts]

    def _load(self, achievement_id: str) -> tuple[str, ...]:
        found = endorsement_repository.in_force(
            self._session,
            subject_type=endorsement_service.ACHIEVEMENT,
            subject_refs=[achievement_id],
        )
        return tuple(endorsement.document for endorsement in found)

    def providers(self) -> ProviderFacts:
        """Every provider's display name, and whether any has a callback URL."""
        return _providers.get(self._token, "providers", self._load_providers)

    def _load_providers(self) -> ProviderFacts:
        names = provider_repository.provider_names(self._session)
        return ProviderFacts(names, repository.any_callback_provider(self._session))
