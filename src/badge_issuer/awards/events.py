"""What an award or a revocation announces: learner mail and provider callbacks, via the outbox.

Called from the one place each happens (`issuing.issue`, `awards.revocation.revoke_credential`)
inside its transaction, so every path (webhooks, imports, direct awards, skill-map apply)
announces, and a rolled-back award announces nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from badge_issuer.awards import repository
from badge_issuer.awards.models import Award
from badge_issuer.config import Settings
from badge_issuer.learners.models import Learner
from badge_issuer.outbox import service as outbox
from badge_issuer.outbox.callbacks import events as callback_events
from badge_issuer.outbox.mail import queue as mail_queue
from badge_issuer.outbox.models import Channel


def _credential_url(settings: Settings, award: Award) -> str:
    return f"{settings.public_origin}/credentials/{award.uuid}"


def _callbacks(
    session: Session,
    *,
    award: Award,
    event_type: str,
    completion_ids: list[int],
    email: str | None,
    settings: Settings,
    now: datetime,
) -> None:
    for provider_id, completion_id in repository.callback_targets(session, completion_ids):
        payload = callback_events.queued_payload(
            event_type=event_type,
            occurred_at=now,
            achievement_id=award.achievement_id,
            credential_id=award.uuid,
            credential_url=_credential_url(settings, award),
            completion_id=completion_id,
        )
        outbox.enqueue(
            session,
            channel=Channel.CALLBACKS,
            event_type=event_type,
            target=provider_id,
            payload=payload,
            recipient=email,
            settings=settings,
            now=now,
        )


def award_created(
    session: Session,
    *,
    award: Award,
    email: str,
    completion_ids: list[int],
    settings: Settings,
    now: datetime,
    callbacks: bool = True,
    flush: bool = True,
) -> None:
    """Queue the learner's mail and `award.created` for the providers whose completions count
    (`callbacks=False`: the caller knows that no provider has a callback URL; `flush=False`:
    the caller flushes the queued jobs)."""
    if mail_queue.mail_enabled(settings):
        outbox.enqueue(
            session,
            channel=Channel.MAIL,
            event_type=mail_queue.AWARD_MAIL,
            payload=mail_queue.award_payload(
                credential_id=award.uuid,
                achievement_id=award.achievement_id,
                completion_ids=completion_ids,
            ),
            recipient=email,
            settings=settings,
            now=now,
            flush=flush,
        )
    if not callbacks:
        return
    _callbacks(
        session,
        award=award,
        event_type=callback_events.AWARD_CREATED,
        completion_ids=completion_ids,
        email=email,
        settings=settings,
        now=now,
    )


def credential_revoked(
    session: Session, *, award: Award, settings: Settings, now: datetime
) -> None:
    """Queue `credential.revoked` for the providers whose completions earned the credential.

    The service keeps no learner address after an award's messages went out, so `email` is
    the stored one when BADGE_ISSUER_STORE_EMAILS is on, else None (null in the body).
    """
    learner = session.get(Learner, award.learner_id) if award.learner_id is not None else None
    email = learner.email if learner is not None else None
    _callbacks(
        session,
        award=award,
        event_type=callback_events.CREDENTIAL_REVOKED,
        completion_ids=repository.completion_ids_of(session, award.id),
        email=email,
        settings=settings,
        now=now,
    )
