"""Words and measures of the statistics chart: Japanese titles and notes, text widths (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from itertools import zip_longest

from badge_issuer.stats import periods as calendar
from badge_issuer.stats.query import Dimension, Period, Subject
from badge_issuer.stats.table import Groups, StatsTable

# Japanese-capable fonts first, so names render in whichever the viewer has.
FONT_FAMILY = (
    "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Kaku Gothic ProN', 'Hiragino Sans', "
    "'Yu Gothic', Meiryo, sans-serif"
)
NOT_STATED = "未設定"
SUPPRESSED = "秘匿"
_SUBJECTS = {Subject.ACHIEVEMENTS: "バッジ保有者数", Subject.SKILLS: "スキル保有者数"}
_DIMENSIONS = {Dimension.REGION: "地域", Dimension.CATEGORY: "区分", Dimension.ISSUER: "発行者"}
_PERIODS = {Period.MONTH: "月別", Period.QUARTER: "四半期別", Period.YEAR: "年別"}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ELLIPSIS = "…"


def title(table: StatsTable) -> str:
    """Name the chart: subject, period and grouping, e.g. スキル保有者数 — 月別累計（地域別）."""
    text = _SUBJECTS[table.subject]
    if table.period is not None:
        text += " — " + _PERIODS[table.period] + ("累計" if table.cumulative else "新規取得")
    if table.group_by:
        text += "（" + "・".join(_DIMENSIONS[d] for d in table.group_by) + "別）"
    return text


def notes(table: StatsTable) -> list[str]:
    """Say what is counted, as of when, over which days, and what suppression means."""
    as_of = table.as_of.astimezone(calendar.JST)
    lines = [
        f"{_day(as_of)} {as_of:%H:%M}（日本時間）時点で有効な証明のみ集計"
        "（失効・期限切れを除く）。人数は重複を除いた学習者数。"
    ]
    if table.date_from or table.date_to:
        start = _day(table.date_from) if table.date_from else ""
        end = _day(table.date_to) if table.date_to else ""
        lines.append(f"対象期間: {start} 〜 {end}")
    if table.subject is Subject.SKILLS:
        version = table.skill_map_version or "なし"
        lines.append(f"スキルは現行スキルマップ（版 {version}）でバッジに紐づくものを集計。")
    return lines


def suppression_legend(min_cell: int) -> str:
    return f"{SUPPRESSED}: {min_cell}人未満、または合計からの逆算を防ぐため非表示"


def group_text(groups: Groups, names: Sequence[str | None] = ()) -> str:
    """The groups of a cell, each by its Japanese name when one is defined, else its code."""
    shown = [
        NOT_STATED if value is None else clean(name or value)
        for value, name in zip_longest(groups, names[: len(groups)])
    ]
    return " / ".join(shown)


def table_group_text(table: StatsTable, groups: Groups) -> str:
    """`group_text` with the table's names of region and category codes."""
    names = []
    for dimension, code in zip(table.group_by, groups, strict=False):
        label = table.group_label(str(dimension), code)
        names.append(None if label is None else label.ja)
    return group_text(groups, names)


def count_text(learners: int) -> str:
    return f"{learners:,}"


def clean(text: str) -> str:
    """Drop characters XML cannot hold and collapse whitespace."""
    return " ".join(_XML_ILLEGAL.sub("", text).split())


def width(text: str, size: float) -> float:
    """Estimate the rendered width of `text` at font `size` (no font metrics here)."""
    return size * sum(_char_em(char) for char in text)


def truncate(text: str, max_width: float, size: float) -> str:
    """Shorten `text` to fit `max_width`, marking the cut with an ellipsis."""
    if width(text, size) <= max_width:
        return text
    cut = text
    while cut and width(cut + ELLIPSIS, size) > max_width:
        cut = cut[:-1]
    return cut + ELLIPSIS


def _char_em(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.66 if char.isupper() else 0.56


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
