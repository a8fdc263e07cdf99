"""Build the MIME message: headers mail providers expect, a text and an HTML part. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from badge_issuer.outbox.mail import wire


@dataclass(frozen=True, slots=True)
class MailContent:
    subject: str
    text: str
    html: str


def build(
    content: MailContent, *, to: str, sender: str, message_id: str, date: datetime
) -> EmailMessage:
    """A multipart/alternative message; `message_id` is stable across retries (the event id)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = content.subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    # RFC 3834: an automatic message; auto-responders must not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(content.text, subtype="plain", charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    # After the parts exist: making the message multipart moves Content-* headers into them.
    message["Content-Language"] = "ja, en"
    return message


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A mail ready to go: its content and headers. `as_bytes()` writes it directly (wire.py,
    the same bytes as `as_message().as_bytes()`); SMTP needs `as_message()` only for an address
    beyond ASCII (SMTPUTF8), which smtplib serializes with its own policy."""

    content: MailContent
    to: str
    sender: str
    message_id: str
    date: datetime

    def as_bytes(self) -> bytes:
        return wire.encode(
            subject=self.content.subject,
            text=self.content.text,
            html=self.content.html,
            to=self.to,
            sender=self.sender,
            message_id=self.message_id,
            date=self.date,
        )

    def as_message(self) -> EmailMessage:
        return build(
            self.content,
            to=self.to,
            sender=self.sender,
            message_id=self.message_id,
            date=self.date,
        )


def message_id(event_id: str, domain: str) -> str:
    """`<event id@domain>`: one id per message whatever the number of attempts."""
    return f"<{event_id}@{domain}>"
