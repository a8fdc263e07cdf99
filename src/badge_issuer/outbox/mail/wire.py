"""A mail's bytes, written directly: what `message.build(...).as_bytes()` gives, cheaper. Pure.

The email package parses every header into a structured object when it is set and folds it
again when the message is flattened: ~5 ms of CPU per mail, a third of a mail's cost in the
dispatcher. Here each header is still folded by the email package's own policy (so encoded
words, folding and the refusal of line breaks are the same), but once per distinct value: the
sender and a badge's subject repeat across mails. The bodies use the same transfer-encoding
choice as `email.contentmanager` (7bit, 8bit, quoted-printable or base64), and the multipart
layout is that of `email.generator.BytesGenerator`. tests/outbox/test_wire.py compares the
bytes with the email package's for many contents (same boundary).
"""

from __future__ import annotations

import binascii
import random
import re
import sys
from datetime import datetime
from email import quoprimime
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from functools import lru_cache

CRLF = b"\r\n"
_LINESEP = re.compile(r"\r\n|\r|\n")
_MAX_LINE = SMTP.max_line_length or 78  # 78
# Folded values kept: the sender, the subjects of the badges being mailed, the current second.
# A learner's address is never kept (the outbox erases it once the mail went out).
_FOLDED = 256
# The fixed headers, as the email package folds them (tests/outbox/test_wire.py checks).
_AUTOMATIC = (
    b"Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\nMIME-Version: 1.0\r\n"
)


def folded(name: str, value: str) -> bytes:
    """`name: value` as `EmailMessage(policy=SMTP)` writes it; ValueError for a line break."""
    name, header = SMTP.header_store_parse(name, value)
    return SMTP.fold_binary(name, header)


_repeated = lru_cache(maxsize=_FOLDED)(folded)
# A plain address (dot-atoms of common characters): the email package's parse of it is the
# text itself, so a header line that fits in 78 characters is written as it is.
_ATOMS = r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
_PLAIN_ADDRESS = re.compile(f"{_ATOMS}@{_ATOMS}")
_PLAIN_MESSAGE_ID = re.compile(f"<{_ATOMS}@{_ATOMS}>")
_BOUNDARY = re.compile(r"={15}[0-9]{19}==")
_BOUNDARY_SHAPE = "=" * 15 + "0" * 19 + "=="


def _simple(name: str, value: str, plain: re.Pattern[str]) -> bytes:
    if plain.fullmatch(value) and len(name) + 2 + len(value) <= _MAX_LINE:
        return f"{name}: {value}\r\n".encode("ascii")
    return folded(name, value)


def _content_type(boundary: str) -> bytes:
    """Folded once for the generator's boundary shape (same length, digits only)."""
    if not _BOUNDARY.fullmatch(boundary):
        return folded("Content-Type", f'multipart/alternative; boundary="{boundary}"')
    shape = _repeated("Content-Type", f'multipart/alternative; boundary="{_BOUNDARY_SHAPE}"')
    return shape.replace(_BOUNDARY_SHAPE.encode("ascii"), boundary.encode("ascii"))


def _encode_text(text: str) -> tuple[str, bytes]:
    """(transfer encoding, body with CRLF line ends) as `set_content(text, charset="utf-8")`
    and the generator make them: `email.contentmanager._encode_text`'s heuristics."""
    lines = text.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) <= _MAX_LINE:
        body = CRLF.join(lines) + CRLF
        return ("7bit" if body.isascii() else "8bit"), body
    sniff = CRLF.join(lines[:10]) + CRLF
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), _MAX_LINE)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        return "base64", _base64(CRLF.join(lines) + CRLF)
    if len(lines) <= 10:
        return "quoted-printable", _crlf(sniff_qp)
    normal = b"\n".join(lines) + b"\n"
    return "quoted-printable", _crlf(quoprimime.body_encode(normal.decode("latin-1"), _MAX_LINE))


def _base64(data: bytes) -> bytes:
    # `email.contentmanager._encode_base64`: lines of at most 78 characters.
    step = _MAX_LINE // 4 * 3
    return b"".join(
        binascii.b2a_base64(data[i : i + step]).replace(b"\n", CRLF)
        for i in range(0, len(data), step)
    )


def _crlf(text: str) -> bytes:
    """The generator's `_write_lines`: every line end becomes CRLF."""
    return "\r\n".join(_LINESEP.split(text)).encode("ascii")


def _part(subtype: str, text: str, *, mime_version: bool) -> bytes:
    cte, body = _encode_text(text)
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {cte}\r\n'
    # add_alternative makes the second part with set_content, which adds MIME-Version.
    return head.encode("ascii") + (b"MIME-Version: 1.0\r\n" if mime_version else b"") + CRLF + body


def _boundary() -> str:
    """`email.generator.Generator._make_boundary`'s token. The generator also looks for it in
    the parts, with a pattern whose `$` never matches before a CRLF line end: it never changes
    it for a message of this policy, so neither does this (tests/outbox/test_wire.py)."""
    # Not a secret: the generator's own pseudo-random token.
    return "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="  # noqa: S311


def encode(
    *,
    subject: str,
    text: str,
    html: str,
    to: str,
    sender: str,
    message_id: str,
    date: datetime,
    boundary: str | None = None,
) -> bytes:
    """The bytes of `message.build(...)` (a text and an HTML alternative), as `as_bytes()` and
    `smtplib.SMTP.send_message` write them."""
    text_part = _part("plain", text, mime_version=False)
    html_part = _part("html", html, mime_version=True)
    boundary = boundary or _boundary()
    marker = b"--" + boundary.encode("ascii")
    return b"".join(
        (
            _repeated("From", sender),
            _simple("To", to, _PLAIN_ADDRESS),
            _repeated("Subject", subject),
            _repeated("Date", format_datetime(date)),
            _simple("Message-ID", message_id, _PLAIN_MESSAGE_ID),
            _AUTOMATIC,
            _content_type(boundary),
            _repeated("Content-Language", "ja, en"),
            CRLF,
            marker + CRLF,
            text_part,
            CRLF + marker + CRLF,
            html_part,
            CRLF + marker + b"--" + CRLF,
        )
    )


def _decoded(name: str, value: str) -> str:
    return str(SMTP.header_store_parse(name, value)[1])


def envelope(*, sender: str, to: str) -> tuple[str, list[str]]:
    """The SMTP envelope `smtplib.SMTP.send_message` derives from the From and To headers."""
    from_address = getaddresses([_sender(sender)])[0][1]
    return from_address, [address for _name, address in getaddresses([_decoded("To", to)])]


@lru_cache(maxsize=4)
def _sender(sender: str) -> str:
    return _decoded("From", sender)
