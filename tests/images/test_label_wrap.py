from __future__ import annotations

import pytest

from badge_issuer.images._label_wrap import clean_label, text_width_em, truncate, wrap_label


class TestWrapLabel:
    def test_short_text_stays_on_one_line(self) -> None:
        assert wrap_label("AI入門", max_em=8, max_lines=3) == ["AI入門"]

    def test_latin_text_breaks_at_spaces(self) -> None:
        lines = wrap_label("Data Engineering Fundamentals", max_em=7, max_lines=3)
        assert lines == ["Data", "Engineering", "Fundamentals"]

    def test_japanese_text_breaks_between_characters(self) -> None:
        lines = wrap_label("データサイエンティスト養成講座", max_em=6, max_lines=3)
        assert "".join(lines) == "データサイエンティスト養成講座"
        assert all(text_width_em(line) <= 6 for line in lines)

    @pytest.mark.parametrize(
        "text", ["修了、おめでとう。とても長い講座名の（オンライン）版です", "ああああああ。ッ"]
    )
    def test_closing_punctuation_and_small_kana_never_start_a_line(self, text: str) -> None:
        lines = wrap_label(text, max_em=6, max_lines=10)
        assert len(lines) > 1
        assert not any(line[0] in "、。）」ッ" for line in lines)

    def test_opening_brackets_never_end_a_line(self) -> None:
        lines = wrap_label("あいうえお（オンライン）", max_em=6, max_lines=10)
        assert not any(line.endswith("（") for line in lines)

    def test_a_word_wider_than_a_line_is_split(self) -> None:
        lines = wrap_label("Supercalifragilisticexpialidocious", max_em=6, max_lines=10)
        assert "".join(lines) == "Supercalifragilisticexpialidocious"
        assert all(text_width_em(line) <= 6 for line in lines)

    def test_too_many_lines_end_in_an_ellipsis(self) -> None:
        lines = wrap_label("one two three four five six seven", max_em=5, max_lines=2)
        assert len(lines) == 2
        assert lines[-1].endswith("…")
        assert text_width_em(lines[-1]) <= 5


class TestTruncateAndClean:
    def test_truncate_keeps_text_that_fits(self) -> None:
        assert truncate("Kitami", 10) == "Kitami"

    def test_truncate_cuts_with_an_ellipsis(self) -> None:
        cut = truncate("北見工業大学 リカレント教育センター", 8)
        assert cut.endswith("…")
        assert text_width_em(cut) <= 8

    def test_clean_drops_control_characters_and_collapses_whitespace(self) -> None:
        assert clean_label("  Python\x00 \t基礎\n\x1b講座\ufffe ") == "Python 基礎 講座"
