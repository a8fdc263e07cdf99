"""The sign-in mail: the one-time link, how long it works, and what to do if it was not you.
Japanese first, English below (as the award mail), text and HTML."""

from __future__ import annotations

from badge_issuer.outbox.mail.message import MailContent
from badge_issuer.pages.rendering import render_html

SUBJECT = "マイバッジへのサインイン / Sign in to My badges"


def sign_in_mail(*, link: str, minutes: int) -> MailContent:
    text = (
        "マイバッジへのサインインのご依頼を受け付けました。\n"
        "次のリンクを開き、「サインイン」を押してください。\n\n"
        f"{link}\n\n"
        f"このリンクは{minutes}分間、1回だけ使えます。\n"
        "心当たりがない場合は、このメールを無視してください（何も変わりません）。\n\n"
        "----\n\n"
        "Someone asked to sign in to My badges with this address.\n"
        'Open the link above and press "Sign in".\n'
        f"The link works once, for {minutes} minutes.\n"
        "If this was not you, ignore this message: nothing changes.\n"
    )
    html = render_html(
        "mybadges/sign_in_mail.html",
        {"link": link, "minutes": minutes, "subject": SUBJECT},
        locale="ja",
    )
    return MailContent(subject=SUBJECT, text=text, html=html)
