"""What a mail job carries: ids only. The text is composed when it is sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from badge_issuer.config import Settings

AWARD_MAIL = "award.created"


def mail_enabled(settings: Settings) -> bool:
    """Mail goes out through SMTP; without it, development writes .eml files, production none."""
    return settings.smtp_url is not None or not settings.is_production


def award_payload(
    *, credential_id: str, achievement_id: str, completion_ids: Sequence[int]
) -> dict[str, Any]:
    return {
        "credential_id": credential_id,
        "achievement_id": achievement_id,
        "completion_ids": list(completion_ids),
    }
