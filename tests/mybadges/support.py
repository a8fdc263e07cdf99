"""Helpers for the my-badges tests: ask for a sign-in link, deliver the mail, sign in."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from badge_issuer.config import Settings
from badge_issuer.mybadges import service
from tests.outbox.receivers import MailServer
from tests.outbox.support import SteppedClock, dispatcher

SIGN_IN_SUBJECT = "マイバッジへのサインイン"
_LINK = re.compile(r"http://localhost:8000/me/sign-in/[A-Za-z0-9_-]{43}")


def with_smtp(settings: Settings, server: MailServer) -> Settings:
    return settings.model_copy(update={"smtp_url": SecretStr(f"smtp://127.0.0.1:{server.port}")})


def parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def ask(client: TestClient, address: str, **headers: str) -> httpx.Response:
    return client.post("/me/sign-in", data={"email": address}, headers=headers)


def deliver(
    app: FastAPI, settings: Settings, server: MailServer, clock: SteppedClock | None = None
) -> list[EmailMessage]:
    """Run the outbox once against the SMTP server; return the sign-in mails it received."""
    before = len(server.messages)
    dispatcher(app, with_smtp(settings, server), clock or SteppedClock()).run_once()
    received = [parse(m.data) for m in server.messages[before:]]
    return [m for m in received if SIGN_IN_SUBJECT in str(m["Subject"])]


def link_in(message: EmailMessage) -> str:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    links = set(_LINK.findall(text.get_content() + html.get_content()))  # type: ignore[union-attr]
    assert len(links) == 1, links
    return links.pop().removeprefix("http://localhost:8000")


def use_link(client: TestClient, path: str) -> str:
    """POST the one-time link; return the session cookie it set."""
    response = client.post(path, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/me"
    cookie = response.cookies.get(service.LOOPBACK_COOKIE)
    assert cookie
    return cookie


def sign_in(
    client: TestClient, app: FastAPI, settings: Settings, server: MailServer, address: str
) -> str:
    """The whole mailed sign-in; return the session cookie."""
    assert ask(client, address).status_code == 200
    [message] = deliver(app, settings, server)
    return use_link(client, link_in(message))


def me(client: TestClient, cookie: str | None) -> httpx.Response:
    client.cookies.clear()
    if cookie is not None:
        client.cookies.set(service.LOOPBACK_COOKIE, cookie)
    try:
        return client.get("/me", follow_redirects=False)
    finally:
        client.cookies.clear()
