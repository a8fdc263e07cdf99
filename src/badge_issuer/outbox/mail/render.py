"""Render an award mail from its facts with the package's Jinja2 templates. Pure."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from badge_issuer.outbox.mail.facts import AwardMailFacts
from badge_issuer.outbox.mail.message import MailContent


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("badge_issuer.outbox.mail", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def award_mail(facts: AwardMailFacts) -> MailContent:
    """Japanese first, English below, in both the text and the HTML part."""
    environment = _environment()
    subject = f"バッジを取得しました: {facts.achievement_name} / You earned a badge"
    return MailContent(
        subject=subject,
        text=environment.get_template("award.txt").render(f=facts),
        html=environment.get_template("award.html").render(f=facts, subject=subject),
    )
