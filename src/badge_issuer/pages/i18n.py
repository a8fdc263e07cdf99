"""Languages of the pages: Japanese by default, English on request; gettext catalogues via Babel.

Message ids are English; `locales/<lang>/LC_MESSAGES/messages.po` translates them. English needs
no catalogue. The catalogues are compiled in memory when first used, so no build step or binary
`.mo` file is needed.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from importlib.resources import files

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from badge_issuer.kit.accept import weighted_values

DEFAULT_LOCALE = "ja"
LOCALES = ("ja", "en")
DOMAIN = "messages"


def choose_locale(lang: str | None, accept_language: str | None) -> str:
    """Pick `ja` or `en`: an explicit `?lang=` first, then Accept-Language, else Japanese."""
    if lang:
        wanted = lang.strip().lower()[:2]
        if wanted in LOCALES:
            return wanted
    best, best_quality = DEFAULT_LOCALE, 0.0
    for position, (tag, quality) in enumerate(weighted_values(accept_language)):
        primary = tag.lower().split("-", 1)[0]
        if primary not in LOCALES:
            continue
        # Earlier entries win ties, as the header lists them in order of preference.
        quality -= position * 1e-6
        if quality > best_quality:
            best, best_quality = primary, quality
    return best


@cache
def translations(locale: str) -> NullTranslations:
    """Return the gettext translations of a locale (English: the message ids themselves)."""
    if locale not in LOCALES or locale == "en":
        return NullTranslations()
    resource = files("badge_issuer.pages").joinpath("locales", locale, "LC_MESSAGES", "messages.po")
    with resource.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def format_day(value: date | datetime | str | None, locale: str) -> str:
    """A date as readers of `locale` write it: 2026年12月7日 / December 7, 2026."""
    if isinstance(value, str):
        try:
            moment: date | datetime = datetime.fromisoformat(value)
        except ValueError:
            return value
    elif value is None:
        return ""
    else:
        moment = value
    day = moment.date() if isinstance(moment, datetime) else moment
    return format_date(day, format="long", locale=Locale.parse(locale))
