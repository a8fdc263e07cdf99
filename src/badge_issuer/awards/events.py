"""What an award or a revocation announces: learner mail and provider callbacks, via the outbox.

Called from the one place each happens (`issuing.issue`, `awards.revocation.revoke_credential`)
inside its transaction, so every path (webhooks, imports, direct awards, skill-map apply)
announces, and a rolled-back award announces nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from badge_issuer.awards import repository
from badge_issuer.awards.models import Award
from badge_issuer.awards.urls import credential_url
from badge_issuer.config import Settings
from badge_issuer.kit import prepared
from badge_issuer.learners.models import Learner
from badge_issuer.outbox import service as outbox
from badge_issuer.outbox.callbacks import events as callback_events
from badge_issuer.outbox.mail import queue as mail_queue
from badge_issuer.outbox.models import Channel, OutboxJob

_ADD_JOBS = insert(cast(Table, OutboxJob.__table__))


@dataclass(frozen=True, slots=True)
class _Announcement:
    """The messages about one credential, queued in the transaction that changes it.

    `email` is the learner's address for the mail and the callbacks' bodies (None: not kept).
    """

    session: Session
    award: Award
    email: str | None
    settings: Settings
    now: datetime

    def _enqueue(
        self,
        channel: Channel,
        event_type: str,
        payload: dict[str, Any],
        target: str | None,
        flush: bool = True,
    ) -> None:
        outbox.enqueue(
            self.session,
            channel=channel,
            event_type=event_type,
            payload=payload,
            recipient=self.email,
            settings=self.settings,
            now=self.now,
            target=target,
            flush=flush,
        )

    def mail(self, completion_ids: list[int], *, flush: bool) -> None:
        payload = mail_queue.award_payload(
            credential_id=self.award.uuid,
            achievement_id=self.award.achievement_id,
            completion_ids=completion_ids,
        )
        self._enqueue(Channel.MAIL, mail_queue.AWARD_MAIL, payload, target=None, flush=flush)

    def callbacks(self, event_type: str, completion_ids: list[int]) -> None:
        """One callback per provider whose completions count toward the credential."""
        award = self.award
        for provider_id, completion_id in repository.callback_targets(self.session, completion_ids):
            payload = callback_events.queued_payload(
                event_type=event_type,
                occurred_at=self.now,
                achievement_id=award.achievement_id,
                credential_id=award.uuid,
                credential_url=credential_url(self.settings, award.uuid),
                completion_id=completion_id,
            )
            self._enqueue(Channel.CALLBACKS, event_type, payload, target=provider_id)


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
    announcement = _Announcement(session, award, email, settings, now)
    if mail_queue.mail_enabled(settings):
        announcement.mail(completion_ids, flush=flush)
    if callbacks:
        announcement.callbacks(callback_events.AWARD_CREATED, completion_ids)


def credential_revoked(
    session: Session, *, award: Award, settings: Settings, now: datetime
) -> None:
    """Queue `credential.revoked` for the providers whose completions earned the credential.

    The service keeps no learner address after an award's messages went out, so `email` is
    the stored one when BADGE_ISSUER_STORE_EMAILS is on, else None (null in the body).
    """
    learner = session.get(Learner, award.learner_id) if award.learner_id is not None else None
    email = learner.email if learner is not None else None
    announcement = _Announcement(session, award, email, settings, now)
    announcement.callbacks(
        callback_events.CREDENTIAL_REVOKED, repository.completion_ids_of(session, award.id)
    )


@dataclass(frozen=True, slots=True)
class Announced:
    """An award a bulk writer stored, and what its messages say."""

    uuid: str
    achievement_id: str
    email: str
    completion_ids: list[int]


def award_created_many(
    session: Session,
    *,
    awards: Sequence[Announced],
    settings: Settings,
    now: datetime,
    callbacks: bool = True,
) -> None:
    """`award_created` for many awards: the mail jobs in one INSERT (the bulk importer's path)."""
    if mail_queue.mail_enabled(settings) and awards:
        jobs = [
            outbox.job_columns(
                channel=Channel.MAIL,
                event_type=mail_queue.AWARD_MAIL,
                payload=mail_queue.award_payload(
                    credential_id=award.uuid,
                    achievement_id=award.achievement_id,
                    completion_ids=award.completion_ids,
                ),
                recipient=award.email,
                settings=settings,
                now=now,
            )
            for award in awards
        ]
        if len(jobs) == 1:  # a webhook's award, on the driver's cursor
            prepared.rows(session, _ADD_JOBS, jobs[0])
        else:
            session.execute(_ADD_JOBS, jobs)
    if callbacks:
        for award in awards:
            # The callbacks read the award's uuid and achievement only.
            row = Award(uuid=award.uuid, achievement_id=award.achievement_id)
            announcement = _Announcement(session, row, award.email, settings, now)
            announcement.callbacks(callback_events.AWARD_CREATED, award.completion_ids)
