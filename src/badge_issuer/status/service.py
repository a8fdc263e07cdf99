"""Status entries for new credentials: a collision-free, unordered index in an issuer's list.

Each list has a counter (`allocated`) advanced by one atomic UPDATE, and a random key; the
counter goes through the keyed permutation of `encoding.permute`, so two allocations can never
share an index and the index says nothing about issuance order. When every list is full, a new
one is created under the issuer's row lock, so concurrent allocators create one list, not many.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from badge_issuer.config import Settings
from badge_issuer.credentials.assembly import revocation_entry
from badge_issuer.issuers.models import Issuer
from badge_issuer.status import repository
from badge_issuer.status.encoding import MIN_LIST_BITS, permute
from badge_issuer.status.models import StatusList

REVOCATION = "revocation"
# The spec's minimum, also a power of two as the permutation needs: one list per 131,072 awards.
LIST_SIZE = MIN_LIST_BITS
PERMUTATION_KEY_BYTES = 32


@dataclass(frozen=True)
class AllocatedEntry:
    """A status index handed to a new credential, with the credential's `credentialStatus`."""

    status_list: repository.ListRef
    index: int
    entry: dict[str, Any]


def list_url(settings: Settings, public_id: str) -> str:
    """Return the public URL of a status list credential."""
    return list_url_under(settings.public_origin, public_id)


def list_url_under(origin: str, public_id: str) -> str:
    """Return the URL of a status list credential as minted under `origin`."""
    return f"{origin}/status-lists/{public_id}"


def status_entry(url: str, index: int) -> dict[str, Any]:
    """Return the revocation BitstringStatusListEntry of index `index` in the list at `url`."""
    return revocation_entry(url, index).to_jsonld()


def allocate_entry(
    session: Session, *, issuer: Issuer, settings: Settings, now: datetime
) -> AllocatedEntry:
    """Take a fresh revocation index for a credential of `issuer`, creating a list if needed."""
    taken = repository.take_from_first_open_list(session, issuer_id=issuer.id, purpose=REVOCATION)
    if taken is None:  # no list had room, or the one picked filled up meanwhile
        slow = _take_from_open_lists(session, issuer_id=issuer.id)
        if slow is None:
            slow = _take_from_new_list(session, issuer_id=issuer.id, now=now)
        full, counter = slow
        ref = repository.ListRef(full.id, full.public_id, full.permutation_key, full.size)
        taken = ref, counter
    return _entry(*taken, settings=settings)


def allocate_entries(
    session: Session, *, issuer: Issuer, count: int, settings: Settings, now: datetime
) -> list[AllocatedEntry]:
    """Take `count` fresh indexes (a bulk import's batch): one UPDATE while the first open list
    has room for all that are left, else one (which creates the next list when needed)."""
    entries: list[AllocatedEntry] = []
    while len(entries) < count:
        left = count - len(entries)
        taken = repository.take_from_first_open_list(
            session, issuer_id=issuer.id, purpose=REVOCATION, count=left
        )
        if taken is None:
            entries.append(allocate_entry(session, issuer=issuer, settings=settings, now=now))
            continue
        status_list, first = taken
        entries.extend(_entry(status_list, first + n, settings=settings) for n in range(left))
    return entries


class ReservedEntries:
    """Indexes this process reserved in blocks, handed out one by one before a write begins.

    A block is taken by the same atomic counter UPDATE as `allocate_entries`, in its own short
    transaction that commits before any of its indexes is used: no other process or
    transaction can be handed those counters, and each one leaves this process once (a lock
    guards the queue). An index whose credential is not stored (the transaction failed, the
    process crashed, the completion was a duplicate) is never used: the list keeps a bit that
    no credential names, which stays 0 ("not revoked") for ever. So a crash costs unused
    indexes, never a shared one (tests/status/test_reserved.py).

    Blocks grow while this process uses them up quickly (1, 2, 4 … `MAX_BLOCK` within
    `GROWTH_SECONDS` of the previous refill) and start again at one after a pause: a quiet
    process strands at most a few indexes, a busy one takes a statement per `MAX_BLOCK`
    credentials. The counter (`badge_issuer_status_list_entries_allocated`) counts reserved
    indexes, used or not.
    """

    MAX_BLOCK = 32
    GROWTH_SECONDS = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[tuple[str, str, int], deque[AllocatedEntry]] = {}
        self._growth: dict[tuple[str, str, int], tuple[float, int]] = {}

    def take(
        self,
        reads: Session,
        *,
        engine: Engine,
        issuer: Issuer,
        settings: Settings,
        now: datetime,
    ) -> AllocatedEntry:
        """An index of `issuer` reserved earlier, or one of a block reserved now through
        `engine` (never call it inside a write transaction of `engine`: on SQLite the block's
        own transaction would wait for it). `reads` checks that a kept index belongs to this
        database's list (a database recreated under a running process drops its blocks)."""
        key = (engine.url.render_as_string(hide_password=True), settings.public_origin, issuer.id)
        with self._lock:
            queue = self._queues.get(key)
            kept = queue.popleft() if queue else None
        if kept is not None:
            if repository.public_id_of(reads, kept.status_list.id) == kept.status_list.public_id:
                return kept
            with self._lock:  # another database's: start again as a new process would
                self._queues.pop(key, None)
                self._growth.pop(key, None)
        block = self._refill(key, engine=engine, issuer=issuer, settings=settings, now=now)
        with self._lock:
            self._queues.setdefault(key, deque()).extend(block[1:])
        return block[0]

    def _refill(
        self,
        key: tuple[str, str, int],
        *,
        engine: Engine,
        issuer: Issuer,
        settings: Settings,
        now: datetime,
    ) -> list[AllocatedEntry]:
        moment = time.monotonic()
        with self._lock:
            last, size = self._growth.get(key, (float("-inf"), 0))
            size = min(self.MAX_BLOCK, size * 2) if moment - last < self.GROWTH_SECONDS else 1
            self._growth[key] = (moment, size)
        with Session(engine) as own, own.begin():
            return allocate_entries(own, issuer=issuer, count=size, settings=settings, now=now)

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
            self._growth.clear()


RESERVED = ReservedEntries()


def _entry(status_list: repository.ListRef, counter: int, *, settings: Settings) -> AllocatedEntry:
    index = permute(counter, key=status_list.permutation_key, size=status_list.size)
    entry = status_entry(list_url(settings, status_list.public_id), index)
    return AllocatedEntry(status_list=status_list, index=index, entry=entry)


def stored_columns(
    signed: dict[str, Any], *, signing_key_id: int, allocated: AllocatedEntry
) -> dict[str, Any]:
    """The columns every stored credential of ours shares (awards, endorsements): the key that
    signed it, its status entry, and the signed document as stored (compact JSON, UTF-8 kept)."""
    return {
        "signing_key_id": signing_key_id,
        "status_list_id": allocated.status_list.id,
        "status_index": allocated.index,
        "document": stored_document(signed),
    }


def stored_document(signed: dict[str, Any]) -> str:
    """A signed document as stored (compact JSON, UTF-8 kept)."""
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def _take_from_open_lists(session: Session, *, issuer_id: int) -> tuple[StatusList, int] | None:
    """Take the next counter of the first list that still has room, or None if all are full."""
    for list_id in repository.open_list_ids(session, issuer_id=issuer_id, purpose=REVOCATION):
        counter = repository.take_counter(session, list_id=list_id)
        if counter is None:
            continue
        status_list = repository.get(session, list_id)
        if status_list is None:
            raise RuntimeError(f"status list {list_id} vanished inside its own transaction")
        # The UPDATE bypassed the identity map: reload the counter when next read.
        session.expire(status_list, ["allocated"])
        return status_list, counter
    return None


def _take_from_new_list(
    session: Session, *, issuer_id: int, now: datetime
) -> tuple[StatusList, int]:
    """Create the issuer's next list and take its counter 0, unless another one appeared."""
    repository.lock_issuer(session, issuer_id=issuer_id)
    # A concurrent allocator may have created a list while this one waited for the lock.
    taken = _take_from_open_lists(session, issuer_id=issuer_id)
    if taken is not None:
        return taken
    status_list = repository.add(
        session,
        StatusList(
            public_id=str(uuid.uuid4()),
            issuer_id=issuer_id,
            purpose=REVOCATION,
            size=LIST_SIZE,
            allocated=1,
            permutation_key=secrets.token_bytes(PERMUTATION_KEY_BYTES),
            created_at=now,
            updated_at=now,
        ),
    )
    return status_list, 0
