"""Send one award mail: compose it now, then SMTP (or an .eml file in development)."""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

import structlog

from badge_issuer.mybadges import mail as sign_in_mail
from badge_issuer.mybadges import service as sign_in
from badge_issuer.notifications import mail_facts
from badge_issuer.notifications.sender import Sender, transaction
from badge_issuer.outbox.mail import message, render, smtp
from badge_issuer.outbox.service import ClaimedJob, DeliveryResult

log = structlog.get_logger(__name__)


def write_eml(directory: Path, msg: EmailMessage, *, name: str) -> Path:
    """Write the message as `<name>.eml`, readable by the owner only (it holds an address)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(msg.as_bytes())
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

    def compose(self, job: ClaimedJob, *, to: str) -> EmailMessage | None:
        now = self.clock()
        with transaction(self.session_factory) as session:
            facts = mail_facts.award_mail_facts(
                session,
                credential_id=str(job.payload["credential_id"]),
                settings=self.settings,
                now=now,
            )
        if facts is None:
            return None
        return message.build(
            render.award_mail(facts),
            to=to,
            sender=self.settings.mail_from,
            message_id=message.message_id(job.event_id, self.domain),
            date=now,
        )

    def sign_in(self, job: ClaimedJob, *, to: str) -> EmailMessage | None:
        """A learner's sign-in mail with a link minted now (None: no learner has `to`)."""
        now = self.clock()
        with transaction(self.session_factory) as session:
            minted = sign_in.mint_sign_in_link(session, email=to, settings=self.settings, now=now)
        if minted is None:
            return None
        content = sign_in_mail.sign_in_mail(
            link=minted[0], minutes=self.settings.sign_in_link_minutes
        )
        return message.build(
            content,
            to=to,
            sender=self.settings.mail_from,
            message_id=message.message_id(job.event_id, self.domain),
            date=now,
        )

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
            return DeliveryResult(False, error="the credential is gone or revoked", give_up=True)
        return self.send(job, msg)

    def send(self, job: ClaimedJob, msg: EmailMessage) -> DeliveryResult:
        if self.server is None:
            stamp = self.clock().strftime("%Y%m%dT%H%M%SZ")
            path = write_eml(self.settings.mail_dir, msg, name=f"{stamp}-{job.event_id}")
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
