"""What the dispatcher costs the request path, counted (counts do not depend on the machine's
load): write transactions per batch, statements in them, nothing written on an idle poll, and
a late outcome that cannot overwrite another worker's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine, event

from badge_issuer.config import Settings
from badge_issuer.db import READ_ONLY, session_scope
from badge_issuer.outbox import service
from badge_issuer.outbox.service import DeliveryResult, Outcome
from tests.harness import Harness
from tests.outbox.receivers import CallbackReceiver
from tests.outbox.support import SteppedClock, dispatcher, earn_bronze, jobs, set_callback


@dataclass
class Tally:
    write: int = 0
    read: int = 0
    write_statements: list[str] = field(default_factory=list)
    read_statements: list[str] = field(default_factory=list)
    _writing: set[int] = field(default_factory=set)


@contextmanager
def counting(engine: Engine) -> Iterator[Tally]:
    """Count transactions (write or read-only session) and the statements of write ones."""
    tally = Tally()

    def begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            tally.read += 1
        else:
            tally.write += 1
            tally._writing.add(id(connection))

    def end(connection: Any) -> None:
        tally._writing.discard(id(connection))

    def statement(connection: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.startswith("BEGIN"):
            return
        writing = id(connection) in tally._writing
        (tally.write_statements if writing else tally.read_statements).append(sql)

    listeners = [("begin", begin), ("commit", end), ("rollback", end)]
    listeners.append(("before_cursor_execute", statement))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield tally
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


def _drain(app: FastAPI, settings: Settings) -> tuple[int, Tally]:
    worker = dispatcher(app, settings, SteppedClock())
    with counting(app.state.engine) as tally:
        attempted = worker.run_once()
    worker.close()
    return attempted, tally


class TestWriteTransactions:
    def test_a_batch_costs_three_write_transactions_whatever_its_size(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        with CallbackReceiver() as receiver:
            set_callback(harness, "manabi-portal", receiver.url)
            earn_bronze(harness, "first@example.jp")
            one, small = _drain(app, settings)
            for number in range(4):
                earn_bronze(harness, f"learner{number}@example.jp")
            four, large = _drain(app, settings)
            receiver.wait_for(5)
        assert (one, four) == (2, 8)  # a mail and a callback per badge
        # The claim, the mails' claim links, the outcomes: whatever the batch's size.
        assert small.write == large.write == 3
        # The batch of four writes the same statements but three more claim-link INSERTs.
        extra = [sql.split()[0].upper() for sql in large.write_statements]
        for sql in small.write_statements:
            extra.remove(sql.split()[0].upper())
        assert extra == ["INSERT"] * 3
        # The mails' facts and the callbacks' destinations are read in read-only sessions.
        assert small.read >= 2
        assert {job.state for job in jobs(app)} == {"delivered"}

    def test_an_idle_poll_writes_nothing(self, app: FastAPI, settings: Settings) -> None:
        attempted, tally = _drain(app, settings)
        assert attempted == 0
        assert tally.write == 0
        assert tally.read == 1


class TestReads:
    def test_the_mails_of_a_batch_are_read_with_the_statements_of_one_mail(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness, "first@example.jp")
        one, small = _drain(app, settings)
        for number in range(5):
            earn_bronze(harness, f"learner{number}@example.jp")
        five, large = _drain(app, settings)
        assert (one, five) == (1, 5)
        assert {job.state for job in jobs(app, "mail")} == {"delivered"}
        # Awards, their completions, learners and what is next: one statement each for the
        # batch (ids bound as parameters), not one per mail.
        assert len(large.read_statements) == len(small.read_statements)
        assert large.read == small.read


class TestLateOutcome:
    def test_an_outcome_recorded_after_the_lease_ran_out_changes_nothing(
        self, harness: Harness, app: FastAPI, settings: Settings
    ) -> None:
        earn_bronze(harness)
        clock = SteppedClock()
        factory = app.state.session_factory
        lease = timedelta(seconds=30)
        claim = {"lease": lease, "limit": 10, "settings": settings}
        for session in session_scope(factory):
            [first] = service.claim(session, owner="a", now=clock(), **claim)
        clock.skip(60)  # worker a hangs; its lease runs out and worker b takes the job
        for session in session_scope(factory):
            [second] = service.claim(session, owner="b", now=clock(), **claim)
        assert (first.job_id, first.attempt, second.attempt) == (second.job_id, 1, 2)
        delivered = DeliveryResult(True)
        for session in session_scope(factory):
            late = service.record_many(
                session, [Outcome(first, delivered)], owner="a", delays=(), now=clock()
            )
            on_time = service.record_many(
                session,
                [Outcome(second, DeliveryResult(False, error="HTTP 503"), jitter=0.0)],
                owner="b",
                delays=(timedelta(seconds=5), timedelta(minutes=5)),
                now=clock(),
            )
        assert late == [None]
        assert on_time == ["pending"]
        [job] = jobs(app)
        assert (job.state, job.attempts, job.last_error, job.lease_owner) == (
            "pending",
            2,
            "HTTP 503",
            None,
        )
        assert job.next_attempt_at is not None
        assert job.sealed_recipient is not None
