"""Sign-in and sessions: request a mailed one-time link, use it once, start a session from a
claim link, find the session's learner, sign out.

Sign-in requests do the same work whatever the address: the request queues one mail job (the
address sealed under the KEK, as award mails) and answers the same page. Only the mail sender,
later and out of the request, looks the address up; it mints the link then, and sends nothing
when no learner has the address. So neither the answer nor its timing tells whether an address
is known, and no sign-in secret ever rests in the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from badge_issuer.config import Settings, is_loopback_http
from badge_issuer.learners import identity
from badge_issuer.learners import service as learner_service
from badge_issuer.learners.models import Learner
from badge_issuer.mybadges import repository, tokens
from badge_issuer.mybadges.errors import SignInLinkInvalid
from badge_issuer.mybadges.models import LearnerSession, SignInLink
from badge_issuer.outbox import service as outbox
from badge_issuer.outbox.mail import queue as mail_queue
from badge_issuer.outbox.models import Channel
from badge_issuer.wallet import claims
from badge_issuer.wallet.errors import ClaimLinkInvalid

SIGN_IN_MAIL = "learner.sign-in"
SIGN_IN_PATH = "/me/sign-in"
# `__Host-` makes browsers refuse the cookie unless Secure, host-only and Path=/.
SECURE_COOKIE = "__Host-badge-session"
LOOPBACK_COOKIE = "badge-session"


class EmailImplausible(ValueError):
    """The typed address cannot be an email (the reason is in the message)."""


@dataclass(frozen=True, slots=True)
class StartedSession:
    """A new session: the cookie value to set and when it ends."""

    cookie: str
    expires_at: datetime


def cookie_secure(settings: Settings) -> bool:
    """Secure cookies everywhere except plain http on loopback (development)."""
    return not is_loopback_http(settings.public_origin)


def cookie_name(settings: Settings) -> str:
    return SECURE_COOKIE if cookie_secure(settings) else LOOPBACK_COOKIE


def _session_key(settings: Settings) -> bytes:
    secret = settings.claim_link_secret or settings.learner_hash_secret
    return tokens.derive_key(secret.get_secret_value().encode("utf-8"))


def email_key(email: str, *, settings: Settings) -> str:
    """The normalised address's keyed hash (rate limits key on it); EmailImplausible if bad."""
    normalised = identity.normalise_email(email)
    problem = identity.email_problem(normalised)
    if problem is not None:
        raise EmailImplausible(problem)
    return learner_service.hash_email(normalised, settings=settings)


def request_sign_in(
    session: Session, *, email: str, locale: str, settings: Settings, now: datetime
) -> None:
    """Queue the sign-in mail for this (plausible) address, known or not (module docstring)."""
    if not mail_queue.mail_enabled(settings):
        return  # no mail can go out (production without SMTP): the same answer for everyone
    outbox.enqueue(
        session,
        channel=Channel.MAIL,
        event_type=SIGN_IN_MAIL,
        payload={"locale": locale},
        recipient=identity.normalise_email(email),
        settings=settings,
        now=now,
    )


def mint_sign_in_link(
    session: Session, *, email: str, settings: Settings, now: datetime
) -> tuple[str, datetime] | None:
    """For the mail sender: a fresh one-time link for the learner with this address (and its
    expiry), or None when no learner has it."""
    learner = learner_service.find_learner(session, email=email, settings=settings)
    if learner is None:
        return None
    token = tokens.new_secret()
    expires_at = now + timedelta(minutes=settings.sign_in_link_minutes)
    repository.add(
        session,
        SignInLink(
            token_hash=tokens.secret_hash(token),
            learner_id=learner.id,
            created_at=now,
            expires_at=expires_at,
        ),
    )
    return f"{settings.public_origin}{SIGN_IN_PATH}/{token}", expires_at


def _usable_link(session: Session, token: str, now: datetime) -> SignInLink:
    link = (
        repository.sign_in_link_by_hash(session, tokens.secret_hash(token))
        if tokens.is_sign_in_token(token)
        else None
    )
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise SignInLinkInvalid("This sign-in link is unknown, used or expired.")
    return link


def check_sign_in_link(session: Session, *, token: str, now: datetime) -> None:
    """Raise SignInLinkInvalid unless the link can still be used (it is not used here)."""
    _usable_link(session, token, now)


def complete_sign_in(
    session: Session, *, token: str, settings: Settings, now: datetime
) -> StartedSession:
    """Use a one-time link (once: a concurrent second use fails) and start a session."""
    link = _usable_link(session, token, now)
    if not repository.use_sign_in_link(session, link.id, now=now):
        raise SignInLinkInvalid("This sign-in link is unknown, used or expired.")
    return _start(
        session, learner_id=link.learner_id, started_by="mail", settings=settings, now=now
    )


def start_from_claim(
    session: Session, *, claim_token: str, settings: Settings, now: datetime
) -> StartedSession:
    """Start a session for the learner a valid claim link was made for."""
    opened = claims.open_claim(session, token=claim_token, settings=settings, now=now)
    if opened.claim.learner_id is None:
        raise ClaimLinkInvalid("This claim link belongs to no learner.")
    return _start(
        session, learner_id=opened.claim.learner_id, started_by="claim", settings=settings, now=now
    )


def _start(
    session: Session, *, learner_id: int, started_by: str, settings: Settings, now: datetime
) -> StartedSession:
    secret = tokens.new_secret()
    expires_at = (now + timedelta(hours=settings.learner_session_hours)).replace(microsecond=0)
    repository.add(
        session,
        LearnerSession(
            secret_hash=tokens.secret_hash(secret),
            learner_id=learner_id,
            started_by=started_by,
            created_at=now,
            expires_at=expires_at,
        ),
    )
    cookie = tokens.sign_cookie(_session_key(settings), secret=secret, expires_at=expires_at)
    return StartedSession(cookie=cookie, expires_at=expires_at)


def _live_session(
    session: Session, cookie: str | None, *, settings: Settings, now: datetime
) -> LearnerSession | None:
    opened = tokens.open_cookie(_session_key(settings), cookie) if cookie else None
    if opened is None or opened.expires_at <= now:
        return None
    row = repository.session_by_hash(session, tokens.secret_hash(opened.secret))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return row


def current_learner(
    session: Session, *, cookie: str | None, settings: Settings, now: datetime
) -> Learner | None:
    """The learner of a live session cookie, or None (absent, forged, expired, signed out)."""
    row = _live_session(session, cookie, settings=settings, now=now)
    return session.get(Learner, row.learner_id) if row is not None else None


def sign_out(session: Session, *, cookie: str | None, settings: Settings, now: datetime) -> None:
    """End the cookie's session for good (a copy of the cookie stops working too)."""
    row = _live_session(session, cookie, settings=settings, now=now)
    if row is not None:
        repository.end_session(session, row.id, now=now)
