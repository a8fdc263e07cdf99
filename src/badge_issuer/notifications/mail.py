"""Send one award mail: compose it now, then SMTP (or an .eml file in development)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import datetime
from email.utils import parseaddr
from functools import partial
from pathlib import Path

import structlog

from badge_issuer.mybadges import mail as sign_in_mail
from badge_issuer.mybadges import service as sign_in
from badge_issuer.notifications import mail_facts
from badge_issuer.notifications.sender import Sender, transaction
from badge_issuer.outbox.mail import message, render, smtp
from badge_issuer.outbox.mail.facts import AwardMailFacts
from badge_issuer.outbox.service import ClaimedJob, DeliveryResult
from badge_issuer.wallet.claims import ClaimLinks, refuse_unclaimable

log = structlog.get_logger(__name__)
Send = Callable[[], DeliveryResult]
GONE = DeliveryResult(False, error="the credential is gone or revoked", give_up=True)


def _result(result: DeliveryResult) -> Send:
    return lambda: result


def write_eml(directory: Path, data: bytes, *, name: str) -> Path:
    """Write the message as `<name>.eml`, readable by the owner only (it holds an address)."""
    path = directory / f"{name}.eml"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileNotFoundError:  # the first mail (or the folder was removed): not a mkdir per mail
        directory.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return path


class MailSender(Sender):
    """The `mail` channel's handler."""

    def __post_init__(self) -> None:
        settings = self.settings
        self.server = (
            smtp.parse_url(settings.smtp_url.get_secret_value()) if settings.smtp_url else None
        )
        domain = parseaddr(settings.mail_from)[1].rpartition("@")[2]
        self.domain = domain or "localhost"

    def prepare(self, jobs: Sequence[ClaimedJob]) -> list[Send]:
        """The batch's award mails: their facts read in one read session (one statement per kind
        of row for the whole batch), their claim links stored in one write transaction, then
        one send each (which renders and sends)."""
        now = self.clock()
        drafts: dict[int, mail_facts.MailDraft] = {}
        early: dict[int, Send] = {}  # jobs settled before sending (gone, or a sender failure)
        awards = [
            job
            for job in jobs
            if job.recipient is not None and job.event_type != sign_in.SIGN_IN_MAIL
        ]  # the others are settled by __call__ (a sign-in mail mints its link when sent)
        found: dict[str, mail_facts.MailDraft | Exception | None] = {}
        if awards:
            with transaction(self.read_factory) as session:
                found = mail_facts.draft_award_mails(
                    session,
                    credential_ids={str(job.payload["credential_id"]) for job in awards},
                    settings=self.settings,
                    now=now,
                )
        for job in awards:
            draft = found[str(job.payload["credential_id"])]
            try:
                if isinstance(draft, Exception):
                    raise draft
                if draft is not None:
                    refuse_unclaimable(draft.award, now)  # before the shared write
            except Exception as error:  # this job fails alone; the others go out
                log.exception("outbox.mail.draft_failed", job_id=job.job_id)
                early[job.job_id] = _result(
                    DeliveryResult(False, error=f"sender failed: {type(error).__name__}")
                )
                continue
            if draft is None:
                early[job.job_id] = _result(GONE)
            else:
                drafts[job.job_id] = draft
        claims: dict[int, ClaimLinks] = {}
        if drafts:
            with transaction(self.session_factory) as session:
                for job_id, draft in drafts.items():
                    claims[job_id] = mail_facts.mint_claim(
                        session, draft, settings=self.settings, now=now
                    )
        sends: list[Send] = []
        for job in jobs:
            if job.job_id in drafts:
                facts = drafts[job.job_id].with_claim(claims[job.job_id])
                sends.append(partial(self.send_award, job, facts, now))
            else:
                sends.append(early.get(job.job_id) or partial(self, job))
        return sends

    def send_award(self, job: ClaimedJob, facts: AwardMailFacts, now: datetime) -> DeliveryResult:
        assert job.recipient is not None  # prepare drafts only mails with an address
        return self.send(
            job, self._outgoing(job, render.award_mail(facts), to=job.recipient, now=now)
        )

    def _outgoing(
        self, job: ClaimedJob, content: message.MailContent, *, to: str, now: datetime
    ) -> message.Outgoing:
        return message.Outgoing(
            content,
            to=to,
            sender=self.settings.mail_from,
            message_id=message.message_id(job.event_id, self.domain),
            date=now,
        )

    def compose(self, job: ClaimedJob, *, to: str) -> message.Outgoing | None:
        """One award mail on its own: facts read, then the claim link stored (writes)."""
        now = self.clock()
        with transaction(self.read_factory) as session:
            draft = mail_facts.draft_award_mail(
                session,
                credential_id=str(job.payload["credential_id"]),
                settings=self.settings,
                now=now,
            )
        if draft is None:
            return None
        with transaction(self.session_factory) as session:
            claim = mail_facts.mint_claim(session, draft, settings=self.settings, now=now)
        return self._outgoing(job, render.award_mail(draft.with_claim(claim)), to=to, now=now)

    def sign_in(self, job: ClaimedJob, *, to: str) -> message.Outgoing | None:
        """A learner's sign-in mail with a link minted now (None: no learner has `to`)."""
        now = self.clock()
        with transaction(self.session_factory) as session:
            minted = sign_in.mint_sign_in_link(session, email=to, settings=self.settings, now=now)
        if minted is None:
            return None
        content = sign_in_mail.sign_in_mail(
            link=minted[0], minutes=self.settings.sign_in_link_minutes
        )
        return self._outgoing(job, content, to=to, now=now)

    def __call__(self, job: ClaimedJob) -> DeliveryResult:
        if job.recipient is None:
            return DeliveryResult(False, error="the address was erased", give_up=True)
        if job.event_type == sign_in.SIGN_IN_MAIL:
            msg = self.sign_in(job, to=job.recipient)
            if msg is None:
                # Nobody has this address: nothing goes out, and the sealed address is erased.
                return DeliveryResult(True, error="no learner has this address: nothing sent")
            return self.send(job, msg)
        msg = self.compose(job, to=job.recipient)
        if msg is None:
            return GONE
        return self.send(job, msg)

    def send(self, job: ClaimedJob, msg: message.Outgoing) -> DeliveryResult:
        if self.server is None:
            stamp = self.clock().strftime("%Y%m%dT%H%M%SZ")
            path = write_eml(self.settings.mail_dir, msg.as_bytes(), name=f"{stamp}-{job.event_id}")
            log.info("outbox.mail.written", path=str(path), event_id=job.event_id)
            return DeliveryResult(True)
        try:
            smtp.send(
                msg,
                server=self.server,
                timeout=self.settings.outbox_attempt_timeout_seconds,
                ca_file=self.settings.smtp_ca_file,
            )
        except smtp.SmtpRefused as refused:
            return DeliveryResult(False, error=str(refused), give_up=refused.permanent)
        return DeliveryResult(True)
