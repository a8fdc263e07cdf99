"""kit.bulk_insert: many rows in one statement (PostgreSQL: columns as arrays, unnested)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from badge_issuer.kit.bulk_insert import insert_many
from badge_issuer.learners.models import Learner

LEARNERS = cast(Table, Learner.__table__)
NOTES = Table(
    "bulk_insert_notes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("body", Text, nullable=True),
    Column("tag", String(16)),
)
# Text that a JSON or array transport could get wrong: quotes, backslashes, escapes, JSON.
AWKWARD = [
    "",
    '{"proof":[{"proofValue":"z5"}],"name":"\\"quoted\\""}',
    "back\\slash \\u0041 and \\n",
    "line\nbreak\ttab \u2028 \u00e9 名前 😀",
    "null",
    '"',
    "{}",
    "x" * 20_000,
]
JST = timezone(timedelta(hours=9))


def _row(n: int, **changes: Any) -> dict[str, Any]:
    moment = datetime(2026, 12, 7, 9, tzinfo=JST) + timedelta(minutes=n)
    row = {
        "email_hash": f"{n:064x}",
        "email": None if n % 2 else f"名前-{n}@example.jp",
        "region": f"01-region-{n}",
        "category": None,
        "created_at": moment,
        "updated_at": moment + timedelta(seconds=n),
    }
    return row | changes


class TestInsertMany:
    def test_rows_are_stored_as_given_and_returned_with_their_ids(self, session: Session) -> None:
        rows = [_row(n) for n in range(1, 251)]

        returned = insert_many(session, LEARNERS, rows, returning=("id", "email_hash"))

        ids = {found.email_hash: found.id for found in returned}
        assert len(ids) == 250
        assert len(set(ids.values())) == 250
        stored = {learner.email_hash: learner for learner in session.scalars(select(Learner))}
        for row in rows:
            learner = stored[row["email_hash"]]
            assert learner.id == ids[row["email_hash"]]
            assert (learner.email, learner.region, learner.category) == (
                row["email"],
                row["region"],
                row["category"],
            )
            assert learner.created_at == row["created_at"].astimezone(UTC)
            assert learner.updated_at == row["updated_at"].astimezone(UTC)

    def test_without_returning_the_rows_are_inserted(self, session: Session) -> None:
        assert insert_many(session, LEARNERS, [_row(1), _row(2)]) == []
        assert len(session.scalars(select(Learner)).all()) == 2

    def test_no_rows_is_no_statement(self, session: Session) -> None:
        assert insert_many(session, LEARNERS, [], returning=("id",)) == []
        assert session.scalars(select(Learner)).all() == []

    def test_a_value_too_long_for_its_column_is_never_cut(self, session: Session) -> None:
        # PostgreSQL cuts a value cast to VARCHAR(64); the column itself refuses it, as a
        # plain INSERT does (SQLite does not check lengths and keeps it whole).
        long_region = "r" * 65
        try:
            insert_many(session, LEARNERS, [_row(1, region=long_region)], returning=("id",))
        except DBAPIError:
            assert session.get_bind().dialect.name == "postgresql"
            return
        assert session.scalars(select(Learner.region)).one() == long_region


class TestTextColumns:
    """TEXT values go as one JSON array on PostgreSQL: stored exactly, in their rows."""

    def test_text_is_stored_exactly_as_given(self, session: Session) -> None:
        NOTES.create(session.connection())
        rows = [{"body": body, "tag": f"t{n}"} for n, body in enumerate([*AWKWARD, None])]

        returned = insert_many(session, NOTES, rows, returning=("id", "tag"))

        ids = {found.tag: found.id for found in returned}
        stored = dict(session.execute(select(NOTES.c.id, NOTES.c.body)).all())
        assert [stored[ids[row["tag"]]] for row in rows] == [row["body"] for row in rows]

    def test_one_empty_text_is_one_row(self, session: Session) -> None:
        NOTES.create(session.connection())

        insert_many(session, NOTES, [{"body": "", "tag": "empty"}])

        assert session.execute(select(NOTES.c.body, NOTES.c.tag)).all() == [("", "empty")]
