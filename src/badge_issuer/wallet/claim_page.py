"""The claim page: a learner's own badge, its downloads, and "add to wallet" (QR and links)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.pages import i18n
from badge_issuer.pages.credential_page import credential_page
from badge_issuer.pages.qr import qr_svg
from badge_issuer.pages.rendering import render_page, request_locale
from badge_issuer.wallet import claims, exchanges
from badge_issuer.wallet.errors import ClaimLinkInvalid, CredentialNotClaimable


def _error_page(
    request: Request, _: Callable[[str], str], detail: str, status: int
) -> HTMLResponse:
    context = {"title": _("This claim link cannot be used"), "detail": detail}
    return render_page(request, "wallet/claim_error.html", context, status_code=status)


def claim_html(
    request: Request, session: Session, *, token: str, settings: Settings, now: datetime
) -> HTMLResponse:
    """Render the claim page of a claim token (an explaining page when it is not usable)."""
    _ = i18n.translations(request_locale(request)).gettext
    try:
        opened = claims.open_claim(session, token=token, settings=settings, now=now)
        page = credential_page(
            session, credential_uuid=opened.award.uuid, settings=settings, now=now
        )
        lcw_url = exchanges.lcw_link(session, token=token, settings=settings, now=now)
    except ClaimLinkInvalid as error:
        detail = _("The link is unknown, altered or expired.")
        return _error_page(request, _, detail, error.status)
    except CredentialNotClaimable as error:
        detail = _("The badge has been revoked or has expired.")
        return _error_page(request, _, detail, error.status)
    origin = settings.public_origin
    uuid = page.award.uuid
    view = page.view
    interaction = claims.interaction_url(settings, token)
    context = {
        "view": view,
        "issuer_name": page.issuer_name,
        "verdict": page.verdict,
        "image_url": f"/credentials/{uuid}/image.svg",
        "page_url": f"{origin}/credentials/{uuid}",
        "json_url": f"/credentials/{uuid}",
        "svg_url": f"/credentials/{uuid}/image.svg",
        "png_url": f"/credentials/{uuid}/image.png" if page.has_png else None,
        "download_name": f"badge-{page.award.achievement_id}",
        "linkedin_url": page.linkedin_url(origin),
        "interaction_url": interaction,
        "offer_url": claims.credential_offer_uri(settings, token),
        "lcw_url": lcw_url,
        "qr": qr_svg(interaction, label=_("QR code to add this badge to a wallet")),
        "expires_at": opened.claim.expires_at,
        # "See all my badges" posts it to /me/claim/{token} (mybadges): a POST, so link
        # scanners that open the page never start a session.
        "claim_token": token,
    }
    return render_page(request, "wallet/claim.html", context)
