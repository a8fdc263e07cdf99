"""A deployment's data before the fault: a provider and a map where one course earns a badge."""

from __future__ import annotations

import json

from badge_issuer.config import Settings
from badge_issuer.kit.clock import utc_now
from badge_issuer.providers import service as provider_service
from badge_issuer.providers.schemas import ProviderCreate
from badge_issuer.skillmap import service as skillmap_service
from tests.faults.ledger import session_on
from tests.providers.factories import one_badge_per_course

PROVIDER = "crash-lms"
COURSE = "CRASH-101"
ACHIEVEMENT = "badge-crash-101"


def prepare_deployment(settings: Settings) -> str:
    """Register the provider and load the skill map; return the provider's webhook secret."""
    with session_on(settings) as session:
        _provider, secret = provider_service.create_provider(
            session,
            data=ProviderCreate(id=PROVIDER, name="Crash LMS"),
            actor="test",
            settings=settings,
            now=utc_now(),
        )
    document = one_badge_per_course(PROVIDER, COURSE)
    with session_on(settings) as session:
        checked = skillmap_service.check(session, data=document)
        assert checked.ok, checked.errors
        skillmap_service.store_version(
            session,
            checked=checked,
            source_text=json.dumps(document),
            created_by="test",
            now=utc_now(),
        )
    return secret
