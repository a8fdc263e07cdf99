"""Bulk import: parsing CSV and JSON Lines, and batched commits (no HTTP)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from badge_issuer.db import session_scope
from badge_issuer.intake import importer
from badge_issuer.intake.importer import ImportTally, ParsedRow
from badge_issuer.kit.clock import utc_now
from badge_issuer.providers.errors import UnreadableImport
from badge_issuer.providers.models import Completion
from tests.providers.factories import completion_body, create_provider

CSV_HEADER = "email,name,region,category,course_id,completed_at,score,certificate_url\n"


def _jsonl(*bodies: dict[str, object]) -> list[str]:
    return [json.dumps(body, ensure_ascii=False) + "\n" for body in bodies]


class TestParseJsonl:
    def test_each_line_is_a_webhook_body(self) -> None:
        rows = list(importer.parse_jsonl(_jsonl(completion_body(), completion_body(score=1))))
        assert [row.line for row in rows] == [1, 2]
        assert rows[1].completion is not None
        assert rows[1].completion.score == 1

    def test_blank_lines_are_skipped_but_counted(self) -> None:
        lines = ["\n", *_jsonl(completion_body()), "   \n", *_jsonl(completion_body())]
        assert [row.line for row in importer.parse_jsonl(lines)] == [2, 4]

    def test_invalid_lines_carry_their_reason(self) -> None:
        lines = ["{not json\n", *_jsonl(completion_body(score=300))]
        rows = list(importer.parse_jsonl(lines))
        assert [row.completion for row in rows] == [None, None]
        assert "Invalid JSON" in (rows[0].error or "")
        assert "/score" in (rows[1].error or "")


class TestParseCsv:
    def test_rows_become_completions(self) -> None:
        lines = [
            CSV_HEADER,
            "Sato.Hanako@example.jp,佐藤 花子,01-okhotsk,worker-non-it,DXL-101,"
            "2026-10-01T10:00:00+09:00,88,https://manabi.example.jp/c/1\n",
        ]
        (row,) = importer.parse_csv(lines)
        assert row.line == 2
        assert row.completion is not None
        assert row.completion.learner.email == "sato.hanako@example.jp"
        assert row.completion.score == 88

    def test_empty_cells_are_absent_fields(self) -> None:
        lines = ["email,course_id,completed_at,score\n", "a@example.jp,X,2026-10-01T10:00:00Z,\n"]
        (row,) = importer.parse_csv(lines)
        assert row.completion is not None
        assert row.completion.score is None

    def test_learner_prefixed_columns_are_accepted(self) -> None:
        lines = ["learner.email,course_id,completed_at\n", "a@example.jp,X,2026-10-01T10:00:00Z\n"]
        assert next(importer.parse_csv(lines)).completion is not None

    def test_quoted_newlines_report_the_last_line_of_the_row(self) -> None:
        lines = [
            "email,name,course_id,completed_at\n",
            'a@example.jp,"two\n',
            'lines",X,2026-10-01T10:00:00Z\n',
            "b@example.jp,b,X,2026-10-01T10:00:00Z\n",
        ]
        assert [row.line for row in importer.parse_csv(lines)] == [3, 4]

    def test_wrong_cell_count_is_a_row_error(self) -> None:
        lines = ["email,course_id,completed_at\n", "a@example.jp,X\n"]
        (row,) = importer.parse_csv(lines)
        assert row.error == "row has 2 cells, the header has 3"

    def test_unknown_column_refuses_the_file(self) -> None:
        with pytest.raises(UnreadableImport, match="password"):
            list(importer.parse_csv(["email,password\n"]))

    def test_repeated_column_refuses_the_file(self) -> None:
        with pytest.raises(UnreadableImport):
            list(importer.parse_csv(["email,email,course_id\n"]))

    def test_empty_file_has_no_rows(self) -> None:
        assert list(importer.parse_csv([])) == []


class TestImportInBatches:
    def _rows(self, count: int) -> list[ParsedRow]:
        bodies = [completion_body(course_id=f"C{n}") for n in range(count)]
        return list(importer.parse_jsonl(_jsonl(*bodies)))

    def _stored(self, app: FastAPI) -> list[str]:
        for session in session_scope(app.state.session_factory):
            return sorted(session.scalars(select(Completion.course_id)))
        raise AssertionError("unreachable")

    @pytest.mark.parametrize("sign_workers", [0, 2])
    def test_commits_every_batch_and_reports_the_last_line(
        self, app: FastAPI, sign_workers: int
    ) -> None:
        create_provider(app)
        commits: list[int] = []
        tally = ImportTally()
        frozen = gc.get_freeze_count()
        importer.import_in_batches(
            app.state.session_factory,
            provider_id="manabi-portal",
            rows=self._rows(5),
            batch_size=2,
            settings=app.state.settings,
            clock=utc_now,
            tally=tally,
            on_commit=commits.append,
            sign_workers=sign_workers,
        )
        assert commits == [2, 4, 5]
        assert (tally.accepted, tally.duplicates, tally.rejected) == (5, 0, 0)
        # The heap frozen for the import's collections is given back to them.
        assert gc.get_freeze_count() == frozen

    def test_an_interruption_keeps_the_committed_batches_only(self, app: FastAPI) -> None:
        create_provider(app)
        commits: list[int] = []

        def interrupted() -> Iterator[ParsedRow]:
            rows = self._rows(5)
            yield from rows[:3]
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            importer.import_in_batches(
                app.state.session_factory,
                provider_id="manabi-portal",
                rows=interrupted(),
                batch_size=2,
                settings=app.state.settings,
                clock=utc_now,
                tally=ImportTally(),
                on_commit=commits.append,
            )
        assert commits == [2]
        assert self._stored(app) == ["C0", "C1"]

    @pytest.mark.parametrize("sign_workers", [0, 2])
    def test_an_unreadable_line_keeps_the_rows_read_before_its_batch(
        self, app: FastAPI, sign_workers: int
    ) -> None:
        """With signing workers the first batch is prepared but not written when the second
        cannot be read: it is written before the error stops the import."""
        create_provider(app)
        commits: list[int] = []

        def unreadable() -> Iterator[ParsedRow]:
            rows = self._rows(5)
            yield from rows[:3]
            raise UnreadableImport("CSV line 4: broken")

        with pytest.raises(UnreadableImport):
            importer.import_in_batches(
                app.state.session_factory,
                provider_id="manabi-portal",
                rows=unreadable(),
                batch_size=2,
                settings=app.state.settings,
                clock=utc_now,
                tally=ImportTally(),
                on_commit=commits.append,
                sign_workers=sign_workers,
            )
        assert commits == [2]
        assert self._stored(app) == ["C0", "C1"]

    def test_a_bad_row_does_not_undo_its_batch(self, app: FastAPI) -> None:
        create_provider(app)
        rows = self._rows(3)
        future = completion_body(course_id="F", completed_at="2999-01-01T00:00:00Z")
        rows.insert(1, next(importer.parse_jsonl(_jsonl(future))))
        tally = ImportTally()
        importer.import_in_batches(
            app.state.session_factory,
            provider_id="manabi-portal",
            rows=rows,
            batch_size=10,
            settings=app.state.settings,
            clock=utc_now,
            tally=tally,
            on_commit=lambda line: None,
        )
        assert self._stored(app) == ["C0", "C1", "C2"]
        assert tally.rejected == 1
        assert "future" in tally.rejections[0].reason
