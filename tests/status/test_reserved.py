"""Indexes reserved per process in blocks: never handed out twice, lost only as unused bits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.status import service
from badge_issuer.status.encoding import MIN_LIST_BITS
from badge_issuer.status.models import StatusList
from tests.status.feistel import unpermute

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Callable[[], Session]:
    factory = make_session_factory(engine)
    return lambda: factory()


@pytest.fixture
def issuer(sessions: Callable[[], Session]) -> Issuer:
    with sessions() as session, session.begin():
        found = issuer_service.insert_issuer(
            session, fields={"slug": "kushiro", "name": "Kushiro"}, now=NOW
        )
        session.expunge(found)
    return found


def _take(
    reserved: service.ReservedEntries,
    engine: Engine,
    issuer: Issuer,
    settings: Settings,
) -> service.AllocatedEntry:
    # A read session, as the webhook's: on SQLite it never holds the write lock.
    with make_session_factory(engine, read_only=True)() as reads:
        return reserved.take(reads, engine=engine, issuer=issuer, settings=settings, now=NOW)


def _counters(sessions: Callable[[], Session]) -> tuple[int, bytes]:
    with sessions() as session:
        status_list = session.scalars(select(StatusList)).one()
        return status_list.allocated, status_list.permutation_key


class TestReservedEntries:
    def test_blocks_grow_while_used_and_every_index_is_a_reserved_counter(
        self,
        sessions: Callable[[], Session],
        engine: Engine,
        issuer: Issuer,
        settings: Settings,
    ) -> None:
        reserved = service.ReservedEntries()
        taken = [_take(reserved, engine, issuer, settings) for _ in range(7)]
        allocated, key = _counters(sessions)
        # Blocks of 1, 2 and 4: the seventh index used the last of the third block.
        assert allocated == 7
        counters = sorted(unpermute(e.index, key=key, size=MIN_LIST_BITS) for e in taken)
        assert counters == list(range(7))
        assert taken[0].entry["statusListIndex"] == str(taken[0].index)

    def test_a_quiet_process_starts_again_with_one_index(
        self,
        sessions: Callable[[], Session],
        engine: Engine,
        issuer: Issuer,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        reserved = service.ReservedEntries()
        monkeypatch.setattr(service.ReservedEntries, "GROWTH_SECONDS", 0.0)
        for _ in range(3):
            _take(reserved, engine, issuer, settings)
        assert _counters(sessions)[0] == 3

    def test_processes_and_single_allocations_never_share_an_index(
        self,
        sessions: Callable[[], Session],
        engine: Engine,
        issuer: Issuer,
        settings: Settings,
    ) -> None:
        # Two "processes" (their own reservations), four threads each, and plain allocations
        # in between: every index handed out is distinct and was reserved in the database.
        processes = [service.ReservedEntries(), service.ReservedEntries()]
        results: list[tuple[int, int]] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        start = threading.Barrier(9)

        def client(reserved: service.ReservedEntries) -> None:
            start.wait()
            try:
                for _ in range(40):
                    entry = _take(reserved, engine, issuer, settings)
                    with lock:
                        results.append((entry.status_list.id, entry.index))
            except BaseException as error:  # surfaced by the assertion below
                errors.append(error)

        def single() -> None:
            start.wait()
            try:
                for _ in range(40):
                    with sessions() as session, session.begin():
                        entry = service.allocate_entry(
                            session, issuer=issuer, settings=settings, now=NOW
                        )
                    with lock:
                        results.append((entry.status_list.id, entry.index))
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=client, args=(p,)) for p in processes for _ in range(4)]
        threads.append(threading.Thread(target=single))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(results) == 360
        assert len(set(results)) == 360, "an index was handed out twice"
        allocated, key = _counters(sessions)
        counters = {unpermute(index, key=key, size=MIN_LIST_BITS) for _, index in results}
        assert max(counters) < allocated, "an index beyond the reserved counters"

    def test_a_crashed_process_leaves_unused_indexes_that_nobody_reuses(
        self,
        sessions: Callable[[], Session],
        engine: Engine,
        issuer: Issuer,
        settings: Settings,
    ) -> None:
        crashed = service.ReservedEntries()
        used = {_take(crashed, engine, issuer, settings).index for _ in range(3)}
        reserved_then, key = _counters(sessions)
        assert reserved_then == 3  # blocks of 1 and 2: all used
        used.add(_take(crashed, engine, issuer, settings).index)  # block of 4: 3 left
        stranded_from = _counters(sessions)[0]
        del crashed  # the process ends: its three reserved indexes are never used
        restarted = service.ReservedEntries()
        after = {_take(restarted, engine, issuer, settings).index for _ in range(10)}
        assert not used & after
        counters = sorted(unpermute(i, key=key, size=MIN_LIST_BITS) for i in after)
        assert counters[0] >= stranded_from, "a stranded index was handed out again"

    def test_a_block_of_another_database_is_dropped(
        self,
        sessions: Callable[[], Session],
        engine: Engine,
        issuer: Issuer,
        settings: Settings,
    ) -> None:
        reserved = service.ReservedEntries()
        for _ in range(2):  # blocks of 1 and 2: one index kept
            _take(reserved, engine, issuer, settings)
        # The database is emptied under the running process (a restore, a test's reset):
        # the kept index names a list that no longer exists, so a new block is taken.
        with sessions() as session, session.begin():
            session.execute(delete(StatusList))
        fresh = _take(reserved, engine, issuer, settings)
        with sessions() as session:
            status_list = session.scalars(select(StatusList)).one()
        assert fresh.status_list.public_id == status_list.public_id
        assert status_list.allocated == 1
