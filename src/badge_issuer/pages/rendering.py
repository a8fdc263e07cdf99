"""Render the pages: one Jinja2 environment per language, security headers, the stylesheet.

Other domains render their own pages with the shared layout: put templates in
`badge_issuer/<domain>/templates/` and name them `"<domain>/<file>.html"`; they extend
`"base.html"` and may import the `badge_card` macro from `"_card.html"`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    PackageLoader,
    TemplateNotFound,
    select_autoescape,
)

from badge_issuer.pages import i18n
from badge_issuer.pages.negotiation import VARY

STYLESHEET_PATH = "/static/pages.css"
# No script at all, styles only from the stylesheet, images only from this service or data URIs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# A badge page carries a live verdict (a revocation must show at once), so caches revalidate.
PAGE_CACHE = "no-cache"


class _DomainLoader(BaseLoader):
    """Load `"<domain>/<file>"` from the `templates` folder of package `badge_issuer.<domain>`."""

    def __init__(self) -> None:
        self._loaders: dict[str, PackageLoader] = {}

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        domain, slash, name = template.partition("/")
        if not slash or not domain.isidentifier():
            raise TemplateNotFound(template)
        loader = self._loaders.get(domain)
        if loader is None:
            try:
                loader = PackageLoader(f"badge_issuer.{domain}", "templates")
            except (ModuleNotFoundError, ValueError):
                raise TemplateNotFound(template) from None
            self._loaders[domain] = loader
        return loader.get_source(environment, name)


def stylesheet() -> bytes:
    """The one stylesheet of every page."""
    return _stylesheet()


@cache
def _stylesheet() -> bytes:
    return files("badge_issuer.pages").joinpath("static", "pages.css").read_bytes()


@cache
def stylesheet_version() -> str:
    """A short hash of the stylesheet, appended to its URL so caches pick up a new one."""
    return hashlib.sha256(_stylesheet()).hexdigest()[:10]


@cache
def environment(locale: str) -> Environment:
    """The Jinja2 environment of one language (gettext installed; autoescaping on)."""
    env = Environment(
        loader=ChoiceLoader([PackageLoader("badge_issuer.pages", "templates"), _DomainLoader()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals["locale"] = locale
    env.globals["stylesheet_url"] = f"{STYLESHEET_PATH}?v={stylesheet_version()}"
    env.filters["day"] = lambda value: i18n.format_day(value, locale)
    return env


def render_html(template: str, context: Mapping[str, Any], *, locale: str) -> str:
    """Render a template to a string in `locale` (for pages and for HTML mail)."""
    return environment(locale).get_template(template).render(**context)


def request_locale(request: Request) -> str:
    """The language a request asks for: `?lang=`, then Accept-Language, else Japanese."""
    return i18n.choose_locale(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )


def lang_query(request: Request) -> str:
    """`?lang=xx` when the request chose its language explicitly, for links that keep it."""
    if request.query_params.get("lang"):
        return f"?lang={request_locale(request)}"
    return ""


def render_page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a page in the request's language with the pages' security headers."""
    locale = request_locale(request)
    page_context = {
        "request_path": request.url.path,
        "lang_query": lang_query(request),
        # The page's own URL as the world sees it (QR code, link previews), not as proxied.
        "page_url": request.app.state.settings.public_origin + request.url.path,
        **context,
    }
    html = render_html(template, page_context, locale=locale)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={**page_headers(locale), **(headers or {})},
    )


def page_headers(locale: str) -> dict[str, str]:
    """Headers of every page: CSP, language, caching and negotiation."""
    return {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Content-Language": locale,
        "Cache-Control": PAGE_CACHE,
        "Vary": VARY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
