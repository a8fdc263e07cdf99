"""Hypothesis strategies for credentials: Japanese and English text, IRIs, evidence, results."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

from badge_issuer.credentials.ob3 import (
    Achievement,
    Criteria,
    Evidence,
    Image,
    Profile,
    Result,
)
from tests.credentials.factories import ISSUER_DID, PUBLIC_URL, make_credential

_HIRAGANA_KATAKANA = st.characters(min_codepoint=0x3041, max_codepoint=0x30FF)
_KANJI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_ENGLISH = st.sampled_from(string.ascii_letters + string.digits + " .,-'!?&/:")
_AWKWARD = st.sampled_from(
    ['"', "\\", "\t", "\n", "\r", "\b", "\f", "\x01", "\x7f", "🎓", "\u3000"]
)

texts = st.text(
    alphabet=st.one_of(_HIRAGANA_KATAKANA, _KANJI, _ENGLISH, _AWKWARD), min_size=1, max_size=30
)
slugs = st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12)
https_urls = slugs.map(lambda slug: f"https://lms.example.jp/cert/{slug}")


@st.composite
def evidence_items(draw: st.DrawFn) -> Evidence:
    """Draw evidence with or without a URL, a name and a narrative."""
    return Evidence(
        id=draw(st.none() | https_urls),
        name=draw(st.none() | texts),
        narrative=draw(st.none() | texts),
    )


@st.composite
def results(draw: st.DrawFn) -> Result:
    """Draw a result such as a score or a status."""
    return Result(
        value=draw(st.none() | st.integers(0, 100).map(str)),
        status=draw(st.none() | st.sampled_from(["Completed", "Provisional"])),
    )


@st.composite
def achievements(draw: st.DrawFn) -> Achievement:
    """Draw an achievement with random Japanese/English text and optional parts."""
    base = f"{PUBLIC_URL}/achievements/{draw(slugs)}"
    return Achievement(
        id=base,
        name=draw(texts),
        description=draw(texts),
        criteria=Criteria(narrative=draw(texts)),
        achievement_type=draw(st.none() | st.sampled_from(["Badge", "Certificate"])),
        image=draw(st.none() | st.just(Image(id=f"{base}/image.svg"))),
        tag=draw(st.lists(texts, max_size=2)),
    )


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    """Draw an unsigned credential as the service assembles it."""
    return make_credential(
        credential_uuid=draw(st.uuids()).hex,
        email=draw(slugs) + "@example.jp",
        salt=draw(st.text(alphabet="0123456789abcdef", min_size=8, max_size=32)),
        issuer=Profile(id=ISSUER_DID, name=draw(texts)),
        achievement=draw(achievements()),
        evidence=draw(st.lists(evidence_items(), max_size=3)),
        results=draw(st.lists(results(), max_size=2)),
        status_index=draw(st.integers(0, 131071)),
    )
