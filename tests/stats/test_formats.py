"""Choosing JSON, CSV or SVG from `?format=` and the Accept header."""

from __future__ import annotations

import pytest

from badge_issuer.stats.formats import OutputFormat, choose_format


class TestChooseFormat:
    def test_the_format_parameter_wins_over_accept(self) -> None:
        assert choose_format(OutputFormat.SVG, "text/csv") is OutputFormat.SVG

    @pytest.mark.parametrize(
        ("accept", "expected"),
        [
            (None, OutputFormat.JSON),
            ("*/*", OutputFormat.JSON),
            ("text/csv", OutputFormat.CSV),
            ("image/svg+xml", OutputFormat.SVG),
            ("text/html, image/svg+xml;q=0.9, application/json;q=0.5", OutputFormat.SVG),
            ("application/json;q=0.4, text/csv;q=0.8", OutputFormat.CSV),
            ("text/csv, image/svg+xml", OutputFormat.CSV),
            ("text/csv;q=0, application/xml", OutputFormat.JSON),
            ("text/csv;q=nan", OutputFormat.JSON),
            ("text/csv;q=oops", OutputFormat.JSON),
            ("TEXT/CSV", OutputFormat.CSV),
        ],
    )
    def test_picks_the_best_weighted_type_we_have(
        self, accept: str | None, expected: OutputFormat
    ) -> None:
        assert choose_format(None, accept) is expected
