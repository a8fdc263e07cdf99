"""The mail writer (outbox/mail/wire.py) gives the email package's bytes, and SMTP gets them."""

from __future__ import annotations

import random
import smtplib
import sys
from datetime import UTC, datetime, timedelta, timezone
from email.generator import Generator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badge_issuer.outbox.mail import message, smtp, wire
from badge_issuer.outbox.mail.message import MailContent
from tests.outbox.receivers import MailServer

BOUNDARY = "===============1234567890123456789=="
SENDER = "北海道デジタル人材バッジ <noreply@localhost>"
MOMENT = datetime(2026, 12, 7, 17, 38, 11, tzinfo=UTC)
JAPANESE = "北海道 (Hokkaido Prefecture) からオープンバッジ「DXリテラシー」が発行されました。\n"


@pytest.fixture
def fixed_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    """The email package's generator picks this boundary (wire.encode is given it)."""

    def make_boundary(_cls: Any, text: object = None) -> str:
        return BOUNDARY

    monkeypatch.setattr(Generator, "_make_boundary", classmethod(make_boundary))


def _both(content: MailContent, **given: Any) -> tuple[bytes, bytes]:
    fields: dict[str, Any] = {
        "to": "hanako@example.jp",
        "sender": SENDER,
        "message_id": "<msg_73566dab420b413ab3d0609b8edb91e4@localhost>",
        "date": MOMENT,
    } | given
    expected = message.build(content, **fields).as_bytes()
    return _encode(content, boundary=BOUNDARY, **fields), expected


def _encode(content: MailContent, **fields: Any) -> bytes:
    return wire.encode(subject=content.subject, text=content.text, html=content.html, **fields)


CONTENTS = {
    "award, Japanese, long lines (base64 text)": MailContent(
        "バッジを取得しました: 北海道DXリテラシー（ブロンズ） / You earned a badge",
        JAPANESE * 30 + "x" * 200 + "\n",
        "<p>" + JAPANESE * 3 + "</p>\n",
    ),
    "short ASCII lines (7bit)": MailContent("Hello", "line one\nline two\n", "<p>hi</p>\n"),
    "short non-ASCII lines (8bit)": MailContent("件名", "こんにちは\n", "<p>こんにちは</p>"),
    "long ASCII lines, few (quoted-printable of the sniffed lines)": MailContent(
        "A subject that is long enough to be folded over more than one header line, surely",
        "a" * 120 + "\n" + "b = c\n",
        "<p>" + "word " * 40 + "</p>\n",
    ),
    "long ASCII lines, many (quoted-printable of the whole text)": MailContent(
        "s", "\n".join(f"line {n} " + "y" * 90 for n in range(14)), "h"
    ),
    "empty parts": MailContent("", "", ""),
    "CRLF, CR and a last line without an end": MailContent(
        "x", "one\r\ntwo\rthree\n\nfour", "<b>a</b>\r\n<i>b</i>"
    ),
    "a subject of many encoded words": MailContent(
        "バッジ" * 40 + " / You earned a badge with a rather long English name too",
        "t\n",
        "h\n",
    ),
}


class TestSameBytesAsTheEmailPackage:
    @pytest.mark.parametrize("name", CONTENTS)
    def test_contents(self, name: str, fixed_boundary: None) -> None:
        got, expected = _both(CONTENTS[name])
        assert got == expected

    @pytest.mark.parametrize(
        "sender",
        [
            SENDER,
            "noreply@example.jp",
            "Badges, Hokkaido <badges@example.jp>",
            '"Quoted Name" <badges@example.jp>',
            "A very long display name for the badge issuer of Hokkaido <noreply@example.jp>",
        ],
    )
    def test_senders(self, sender: str, fixed_boundary: None) -> None:
        got, expected = _both(CONTENTS["short ASCII lines (7bit)"], sender=sender)
        assert got == expected

    @pytest.mark.parametrize(
        "to",
        [
            "hanako@example.jp",
            "Hanako Sato <hanako@example.jp>",
            "佐藤花子 <hanako@example.jp>",
            "first.last+badges@sub.example.co.jp",
            "x" * 70 + "@example.jp",
        ],
    )
    def test_recipients(self, to: str, fixed_boundary: None) -> None:
        got, expected = _both(CONTENTS["short non-ASCII lines (8bit)"], to=to)
        assert got == expected

    @settings(max_examples=80, deadline=None)
    @given(
        to=st.from_regex(r"[A-Za-z0-9_+.-]{1,40}@[A-Za-z0-9.-]{1,40}", fullmatch=True),
        message_id=st.from_regex(r"<[A-Za-z0-9_.-]{1,40}@[a-z0-9.-]{1,40}>", fullmatch=True),
        token=st.integers(min_value=0, max_value=sys.maxsize - 1),
    )
    def test_any_address_message_id_and_boundary(
        self, to: str, message_id: str, token: int
    ) -> None:
        """Plain addresses are written without the email package: the same bytes, including
        addresses that only look plain (dots at the ends, `..`) and long ones."""
        boundary = f"{'=' * 15}{token:019d}=="
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                Generator, "_make_boundary", classmethod(lambda _cls, _text=None: boundary)
            )
            content = CONTENTS["short ASCII lines (7bit)"]
            fields: dict[str, Any] = {
                "to": to,
                "sender": SENDER,
                "message_id": message_id,
                "date": MOMENT,
            }
            expected = message.build(content, **fields).as_bytes()
        assert _encode(content, boundary=boundary, **fields) == expected

    def test_dates_in_other_zones(self, fixed_boundary: None) -> None:
        tokyo = MOMENT.astimezone(timezone(timedelta(hours=9)))
        got, expected = _both(CONTENTS["empty parts"], date=tokyo)
        assert got == expected

    @settings(max_examples=60, deadline=None)
    @given(
        subject=st.text(max_size=120),
        text=st.text(max_size=400),
        html=st.text(max_size=400),
    )
    def test_any_text(self, subject: str, text: str, html: str) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                Generator, "_make_boundary", classmethod(lambda _cls, _text=None: BOUNDARY)
            )
            content = MailContent(subject, text, html)
            try:
                expected: bytes | type[Exception] = message.build(
                    content, to="a@example.jp", sender=SENDER, message_id="<m@x>", date=MOMENT
                ).as_bytes()
            except Exception as error:  # e.g. a line break in the subject
                expected = type(error)
            try:
                got: bytes | type[Exception] = _encode(
                    content,
                    to="a@example.jp",
                    sender=SENDER,
                    message_id="<m@x>",
                    date=MOMENT,
                    boundary=BOUNDARY,
                )
            except Exception as error:
                got = type(error)
        assert got == expected

    def test_a_line_break_in_a_header_is_refused(self) -> None:
        content = MailContent("Badge\nBcc: someone@example.jp", "t", "h")
        with pytest.raises(ValueError, match="linefeed"):
            _encode(content, to="a@example.jp", sender=SENDER, message_id="<m@x>", date=MOMENT)


class TestBoundary:
    def test_the_boundary_is_the_generators_for_the_same_random_number(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(random, "randrange", lambda _stop: 42)
        content = CONTENTS["short ASCII lines (7bit)"]
        fields: dict[str, Any] = {
            "to": "a@example.jp",
            "sender": SENDER,
            "message_id": "<m@x>",
            "date": MOMENT,
        }
        assert _encode(content, **fields) == message.build(content, **fields).as_bytes()
        assert b'boundary="===============0000000000000000042=="' in _encode(content, **fields)

    def test_a_part_holding_the_boundary_changes_it_no_more_than_the_generator_does(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(random, "randrange", lambda _stop: 42)
        taken = "--===============0000000000000000042=="
        content = MailContent("s", f"t\n{taken}\n{taken}--\n", f"h\n{taken}")
        fields: dict[str, Any] = {
            "to": "a@example.jp",
            "sender": SENDER,
            "message_id": "<m@x>",
            "date": MOMENT,
        }
        got = _encode(content, **fields)
        assert got == message.build(content, **fields).as_bytes()
        assert b'boundary="===============0000000000000000042=="' in got


class TestSmtp:
    def test_the_server_receives_what_send_message_sent(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(random, "randrange", lambda _stop: 42)  # the same boundary
        content = CONTENTS["award, Japanese, long lines (base64 text)"]
        fields: dict[str, Any] = {
            "to": "Hanako <hanako@example.jp>",
            "sender": SENDER,
            "message_id": "<m@localhost>",
            "date": MOMENT,
        }
        with MailServer() as server:
            with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
                client.send_message(message.build(content, **fields))
            smtp.send(
                message.Outgoing(content, **fields),
                server=smtp.SmtpServer(smtp.Security.NONE, "127.0.0.1", server.port),
                timeout=10,
                ca_file=None,
            )
        old, new = server.messages
        assert (new.mail_from, new.rcpt_tos) == (old.mail_from, old.rcpt_tos)
        assert (new.mail_from, new.rcpt_tos) == ("noreply@localhost", ["hanako@example.jp"])
        assert new.data == old.data

    def test_an_address_beyond_ascii_goes_through_send_message_as_before(
        self, fixed_boundary: None
    ) -> None:
        content = CONTENTS["short ASCII lines (7bit)"]
        fields: dict[str, Any] = {
            "to": "はなこ@example.jp",
            "sender": SENDER,
            "message_id": "<m@localhost>",
            "date": MOMENT,
        }
        local = smtp.SmtpServer(smtp.Security.NONE, "127.0.0.1", 0)
        with MailServer() as server:
            with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
                client.send_message(message.build(content, **fields))
            outgoing = message.Outgoing(content, **fields)
            smtp.send(outgoing, server=_at(local, server.port), timeout=10, ca_file=None)
        old, new = server.messages
        assert new == old
        assert new.rcpt_tos == ["はなこ@example.jp"]
        without = MailServer(smtputf8=False)
        with without as server, pytest.raises(smtp.SmtpRefused, match="SMTPNotSupported"):
            smtp.send(outgoing, server=_at(local, server.port), timeout=10, ca_file=None)


def _at(server: smtp.SmtpServer, port: int) -> smtp.SmtpServer:
    return smtp.SmtpServer(server.security, server.host, port)
