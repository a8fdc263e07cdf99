"""Status entries: collision-free, unordered indexes, new lists when full, under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.issuers import service as issuer_service
from badge_issuer.issuers.models import Issuer
from badge_issuer.status import service
from badge_issuer.status.encoding import MIN_LIST_BITS
from badge_issuer.status.models import StatusList
from tests.status.feistel import unpermute

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def sessions(settings: Settings) -> Iterator[Callable[[], Session]]:
    engine = create_db_engine(settings.database_url)
    factory = make_session_factory(engine)
    yield lambda: factory()
    engine.dispose()


def _issuer(session: Session, slug: str = "sapporo") -> Issuer:
    return issuer_service.insert_issuer(session, fields={"slug": slug, "name": slug}, now=NOW)


def _list_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(StatusList)) or 0)


class TestAllocateEntry:
    def test_entry_is_a_revocation_bitstring_status_list_entry(
        self, sessions: Callable[[], Session], settings: Settings
    ) -> None:
        with sessions() as session:
            issuer = _issuer(session)
            allocated = service.allocate_entry(session, issuer=issuer, settings=settings, now=NOW)
        url = f"http://localhost:8000/status-lists/{allocated.status_list.public_id}"
        assert allocated.entry == {
            "id": f"{url}#{allocated.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(allocated.index),
            "statusListCredential": url,
        }
        assert allocated.status_list.size == MIN_LIST_BITS

    def test_indexes_are_distinct_unordered_and_the_permuted_counter(
        self, sessions: Callable[[], Session], settings: Settings
    ) -> None:
        with sessions() as session:
            issuer = _issuer(session)
            entries = [
                service.allocate_entry(session, issuer=issuer, settings=settings, now=NOW)
                for _ in range(64)
            ]
            key = entries[0].status_list.permutation_key
            indexes = [entry.index for entry in entries]
            assert len(set(indexes)) == 64
            assert indexes != sorted(indexes)
            assert [unpermute(i, key=key, size=MIN_LIST_BITS) for i in indexes] == list(range(64))
            assert _list_count(session) == 1

    def test_each_issuer_has_its_own_lists(
        self, sessions: Callable[[], Session], settings: Settings
    ) -> None:
        with sessions() as session:
            first = service.allocate_entry(
                session, issuer=_issuer(session, "a"), settings=settings, now=NOW
            )
            second = service.allocate_entry(
                session, issuer=_issuer(session, "b"), settings=settings, now=NOW
            )
        assert first.status_list.id != second.status_list.id
        assert first.status_list.permutation_key != second.status_list.permutation_key

    def test_a_full_list_is_followed_by_a_new_one(
        self, sessions: Callable[[], Session], settings: Settings
    ) -> None:
        with sessions() as session:
            issuer = _issuer(session)
            first = service.allocate_entry(session, issuer=issuer, settings=settings, now=NOW)
            session.execute(
                update(StatusList)
                .where(StatusList.id == first.status_list.id)
                .values(allocated=MIN_LIST_BITS - 1)
            )
            last = service.allocate_entry(session, issuer=issuer, settings=settings, now=NOW)
            overflow = service.allocate_entry(session, issuer=issuer, settings=settings, now=NOW)
            key = first.status_list.permutation_key
            assert last.status_list.id == first.status_list.id
            assert unpermute(last.index, key=key, size=MIN_LIST_BITS) == MIN_LIST_BITS - 1
            assert overflow.status_list.id != first.status_list.id
            assert _list_count(session) == 2


class TestConcurrentAllocation:
    def test_four_clients_get_1000_distinct_indexes_from_one_list(
        self, sessions: Callable[[], Session], settings: Settings
    ) -> None:
        with sessions() as session, session.begin():
            issuer_id = _issuer(session).id
        results: list[tuple[int, int]] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        start = threading.Barrier(4)

        def client() -> None:
            start.wait()
            try:
                for _ in range(250):
                    with sessions() as session, session.begin():
                        issuer = session.get(Issuer, issuer_id)
                        assert issuer is not None
                        entry = service.allocate_entry(
                            session, issuer=issuer, settings=settings, now=NOW
                        )
                        taken = (entry.status_list.id, entry.index)
                    with lock:
                        results.append(taken)
            except BaseException as error:  # surfaced by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(results) == 1000
        assert len(set(results)) == 1000
        assert len({list_id for list_id, _ in results}) == 1, "concurrent first use made >1 list"
        indexes = sorted(index for _, index in results)
        assert indexes != list(range(indexes[0], indexes[0] + 1000)), "indexes are sequential"
        with sessions() as session:
            status_list = session.scalars(select(StatusList)).one()
            assert status_list.allocated == 1000
            key = status_list.permutation_key
        counters = sorted(unpermute(index, key=key, size=MIN_LIST_BITS) for index in indexes)
        assert counters == list(range(1000))
