"""A real SMTP client: plain, STARTTLS or implicit TLS (SMTPS), with optional authentication.

`BADGE_ISSUER_SMTP_URL` is `smtp://host:port`, `smtp+starttls://user:pass@host:587` or
`smtps://user:pass@host:465` (user and password percent-encoded). Certificates are checked
against the system's CAs, or `BADGE_ISSUER_SMTP_CA_FILE` (a private CA).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit

from badge_issuer.outbox.mail import wire
from badge_issuer.outbox.mail.message import Outgoing


class Security(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


_SCHEMES = {
    "smtp": (Security.NONE, 25),
    "smtp+starttls": (Security.STARTTLS, 587),
    "smtps": (Security.TLS, 465),
}


class SmtpUrlInvalid(ValueError):
    """The SMTP URL cannot be used (the message never repeats the password)."""


@dataclass(frozen=True, slots=True)
class SmtpServer:
    security: Security
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_url(url: str) -> SmtpServer:
    """Read an SMTP URL; raise SmtpUrlInvalid for an unknown scheme or a missing host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SmtpUrlInvalid("the SMTP URL is malformed") from None
    if parts.scheme not in _SCHEMES:
        raise SmtpUrlInvalid("the SMTP URL scheme must be smtp, smtp+starttls or smtps")
    if not parts.hostname:
        raise SmtpUrlInvalid("the SMTP URL has no host")
    security, default_port = _SCHEMES[parts.scheme]
    return SmtpServer(
        security=security,
        host=parts.hostname,
        port=port or default_port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class SmtpRefused(Exception):
    """The server refused the message; `permanent` for 5xx answers (retrying will not help)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def _hand_over(client: smtplib.SMTP, message: Outgoing) -> dict[str, tuple[int, bytes]]:
    """What `send_message` does, with the bytes written directly: the same envelope and data.
    An address beyond ASCII needs SMTPUTF8, and smtplib's own serialization for it."""
    sender, recipients = wire.envelope(sender=message.sender, to=message.to)
    if not "".join([sender, *recipients]).isascii():
        return client.send_message(message.as_message())
    return client.sendmail(sender, recipients, message.as_bytes())


def send(message: Outgoing, *, server: SmtpServer, timeout: float, ca_file: Path | None) -> None:
    """Hand the message to the server; return only once it accepted it for every recipient."""
    context = _tls_context(ca_file)
    client: smtplib.SMTP
    try:
        if server.security is Security.TLS:
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with client:
            client.ehlo()
            if server.security is Security.STARTTLS:
                client.starttls(context=context)
                client.ehlo()
            if server.username is not None:
                client.login(server.username, server.password or "")
            refused = _hand_over(client, message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = sorted({code for code, _text in error.recipients.values()})
        # The server's text may echo the address: only the codes are kept.
        raise SmtpRefused(
            f"recipient refused (SMTP {codes})", permanent=all(c >= 500 for c in codes)
        ) from None
    except smtplib.SMTPResponseException as error:
        raise SmtpRefused(
            f"SMTP {error.smtp_code} from {server.host}", permanent=error.smtp_code >= 500
        ) from None
    except smtplib.SMTPException as error:
        raise SmtpRefused(f"SMTP: {type(error).__name__}", permanent=False) from None
    except (OSError, ssl.SSLError) as error:
        raise SmtpRefused(
            f"cannot reach {server.host}:{server.port}: {error}", permanent=False
        ) from None
    if refused:
        raise SmtpRefused("recipient refused", permanent=False)
