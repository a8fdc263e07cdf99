"""Callback bodies (CONTRACT section 11). Pure: plain data in, plain data out.

The queued payload is the body without the learner: the address is sealed in the job row and
put back only at send time, so no plain email address rests in the outbox.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

AWARD_CREATED = "award.created"
CREDENTIAL_REVOKED = "credential.revoked"
EVENT_TYPES = (AWARD_CREATED, CREDENTIAL_REVOKED)


def queued_payload(
    *,
    event_type: str,
    occurred_at: datetime,
    achievement_id: str,
    credential_id: str,
    credential_url: str,
    completion_id: int | None,
) -> dict[str, Any]:
    """The event as queued: everything but `data.learner`."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown callback event {event_type!r}")
    data: dict[str, Any] = {
        "achievement_id": achievement_id,
        "credential_id": credential_id,
        "credential_url": credential_url,
    }
    if completion_id is not None:
        data["completion_id"] = completion_id  # as in the completions API answer
    return {"type": event_type, "timestamp": occurred_at.isoformat(), "data": data}


def body_bytes(payload: dict[str, Any], *, email: str | None) -> bytes:
    """The JSON body sent: the queued payload with `data.learner.email` restored."""
    data = dict(payload["data"])
    data["learner"] = {"email": email}
    body = {**payload, "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
