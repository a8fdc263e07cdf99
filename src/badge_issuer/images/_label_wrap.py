"""Break a badge label into lines that fit a width, for Latin and Japanese text alike.

Widths are estimates in em (no font metrics in a pure module): East Asian wide characters
take a full em, other characters a bold sans-serif average. Latin text breaks at spaces,
Japanese between any two characters, except that closing punctuation and small kana never
start a line and opening brackets never end one (a minimal kinsoku shori).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ELLIPSIS = "…"
_NO_LINE_START = frozenset(
    "、。，．・：；？！ー)）]］}｝」』】〕〉》”’ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜…,.!?:;"
)
_NO_LINE_END = frozenset("(（[［{｛「『【〔〈《“‘")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(slots=True)
class _Token:
    text: str
    space_before: bool


def clean_label(text: str) -> str:
    """Drop characters XML cannot hold and collapse whitespace."""
    return " ".join(_XML_ILLEGAL.sub("", text).split())


def text_width_em(text: str) -> float:
    """Estimate the rendered width of `text` in em."""
    return sum(_char_width_em(char) for char in text)


def wrap_label(text: str, *, max_em: float, max_lines: int) -> list[str]:
    """Break `text` into at most `max_lines` lines of at most `max_em`, ending in … if cut."""
    lines: list[str] = []
    current = ""
    for token in _tokens(text):
        for piece in _fit_token(token, max_em):
            candidate = _join(current, piece)
            if current and text_width_em(candidate) > max_em:
                lines.append(current)
                candidate = piece.text
            current = candidate
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    return [*lines[: max_lines - 1], _ellipsize(lines[max_lines - 1], max_em)]


def truncate(text: str, max_em: float) -> str:
    """Shorten `text` to fit `max_em`, marking the cut with an ellipsis."""
    return text if text_width_em(text) <= max_em else _ellipsize(text, max_em)


def _ellipsize(text: str, max_em: float) -> str:
    """Append an ellipsis, dropping characters from the end until the whole fits."""
    cut = text.rstrip()
    while cut and text_width_em(cut + ELLIPSIS) > max_em:
        cut = cut[:-1].rstrip()
    return cut + ELLIPSIS


def _char_width_em(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == " ":
        return 0.28
    return 0.68 if char.isupper() else 0.56


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _tokens(text: str) -> list[_Token]:
    """Split into unbreakable tokens: Latin words, single wide characters, kinsoku groups."""
    tokens: list[_Token] = []
    space_pending = False
    glue_next = False
    for char in text:
        if char == " ":
            space_pending = True
            continue
        joins_previous = (
            tokens
            and not space_pending
            and (
                glue_next
                or char in _NO_LINE_START
                or not (_is_wide(char) or _is_wide(tokens[-1].text[-1]))
            )
        )
        if joins_previous:
            tokens[-1].text += char
        else:
            tokens.append(_Token(char, space_pending and bool(tokens)))
        glue_next = char in _NO_LINE_END
        space_pending = False
    return tokens


def _fit_token(token: _Token, max_em: float) -> list[_Token]:
    """Hard-break a token wider than a whole line into pieces that fit."""
    if text_width_em(token.text) <= max_em:
        return [token]
    pieces = [_Token("", token.space_before)]
    for char in token.text:
        if pieces[-1].text and text_width_em(pieces[-1].text + char) > max_em:
            pieces.append(_Token("", False))
        pieces[-1].text += char
    return pieces


def _join(line: str, token: _Token) -> str:
    if not line:
        return token.text
    return f"{line} {token.text}" if token.space_before else line + token.text
