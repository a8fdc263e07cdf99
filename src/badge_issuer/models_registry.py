"""Import every domain's ORM models so Alembic and tests see the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData

from badge_issuer.db import Base


def metadata() -> MetaData:
    """Return the metadata with every table registered (domains are imported here)."""
    # Domain model modules are imported for their side effect of registering tables.
    import badge_issuer.admin.models
    import badge_issuer.audit.models
    import badge_issuer.awards.apply_models
    import badge_issuer.awards.models
    import badge_issuer.endorsements.models
    import badge_issuer.images.models
    import badge_issuer.issuers.models
    import badge_issuer.keys.models
    import badge_issuer.kit.config_version
    import badge_issuer.learners.models
    import badge_issuer.mybadges.models
    import badge_issuer.outbox.models
    import badge_issuer.providers.models
    import badge_issuer.skillmap.models
    import badge_issuer.status.models
    import badge_issuer.wallet.models  # noqa: F401

    return Base.metadata
