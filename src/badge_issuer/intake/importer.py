"""Bulk import of completions (CSV with a header, or JSON Lines of webhook bodies).

Rows are parsed lazily, so a file of any length streams through; each row is recorded in its
own savepoint through the same path as webhooks (minus the signature: the admin is trusted),
so a bad row is reported with its line number and never undoes the others.
"""

from __future__ import annotations

import csv
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial
from itertools import islice
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from badge_issuer.audit import service as audit
from badge_issuer.awards import signing_pool
from badge_issuer.config import Settings
from badge_issuer.db import session_scope
from badge_issuer.intake import batch as chunk
from badge_issuer.intake import service as intake
from badge_issuer.kit.clock import Clock
from badge_issuer.problems import ProblemError
from badge_issuer.providers import service as provider_service
from badge_issuer.providers.errors import ProviderSuspended, UnreadableImport
from badge_issuer.providers.models import ProviderStatus
from badge_issuer.providers.schemas import CompletionIn, ImportRejection, ImportSummary

MAX_REJECTIONS_KEPT = 1000
_LEARNER_COLUMNS = {"email", "name", "region", "category"}
_COMPLETION_COLUMNS = {"course_id", "completed_at", "score", "certificate_url"}


class ImportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One data row: its (last) line number and either a valid completion or why not."""

    line: int
    completion: CompletionIn | None = None
    error: str | None = None


@dataclass(slots=True)
class ImportTally:
    """Running counts of an import, and the rejected rows (the first MAX_REJECTIONS_KEPT)."""

    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[ImportRejection] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REJECTIONS_KEPT:
            self.rejections.append(ImportRejection(line=line, reason=reason))

    def add(self, other: ImportTally) -> None:
        """Count another tally's rows (a committed chunk) in this one."""
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        room = MAX_REJECTIONS_KEPT - len(self.rejections)
        self.rejections.extend(other.rejections[: max(0, room)])

    def summary(self) -> ImportSummary:
        return ImportSummary(
            accepted=self.accepted,
            duplicates=self.duplicates,
            rejected=self.rejected,
            rejections=list(self.rejections),
        )


def _validated(line: int, parse: Callable[[], CompletionIn]) -> ParsedRow:
    try:
        return ParsedRow(line=line, completion=parse())
    except ValidationError as exc:
        return ParsedRow(line=line, error=intake.invalid_completion(exc).detail)


def parse_jsonl(lines: Iterable[str]) -> Iterator[ParsedRow]:
    """Parse JSON Lines: each non-blank line is one webhook body."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield _validated(number, partial(CompletionIn.model_validate_json, line))


def _csv_body(header: list[str], cells: list[str]) -> dict[str, Any]:
    learner: dict[str, str] = {}
    body: dict[str, Any] = {"learner": learner}
    for name, cell in zip(header, cells, strict=True):
        if cell.strip() == "":
            continue  # an empty cell is an absent optional field
        if name in _LEARNER_COLUMNS:
            learner[name] = cell
        else:
            body[name] = cell
    return body


def _csv_header(row: list[str]) -> list[str]:
    header = [
        name.strip().lower().removeprefix("learner.").removeprefix("learner_") for name in row
    ]
    unknown = [name for name in header if name not in _LEARNER_COLUMNS | _COMPLETION_COLUMNS]
    if unknown or len(set(header)) != len(header):
        raise UnreadableImport(
            f"CSV header line 1 has unknown or repeated columns {unknown or header}; expected "
            f"some of {sorted(_LEARNER_COLUMNS | _COMPLETION_COLUMNS)}."
        )
    return header


def parse_csv(lines: Iterable[str]) -> Iterator[ParsedRow]:
    """Parse CSV with a header row (email, name, region, category, course_id, completed_at, …)."""
    reader = csv.reader(lines)
    try:
        first = next(reader, None)
        if first is None:
            return
        header = _csv_header(first)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                yield ParsedRow(
                    line=reader.line_num,
                    error=f"row has {len(cells)} cells, the header has {len(header)}",
                )
                continue
            body = _csv_body(header, cells)
            yield _validated(reader.line_num, partial(CompletionIn.model_validate, body))
    except csv.Error as exc:
        raise UnreadableImport(f"CSV line {reader.line_num}: {exc}") from None


def parse_rows(lines: Iterable[str], fmt: ImportFormat) -> Iterator[ParsedRow]:
    """Parse lines in the given format."""
    return parse_csv(lines) if fmt is ImportFormat.CSV else parse_jsonl(lines)


def import_row(
    session: Session,
    *,
    provider_id: str,
    row: ParsedRow,
    courses: intake.CourseKeys,
    settings: Settings,
    now: datetime,
    tally: ImportTally,
) -> None:
    """Record one parsed row in its own savepoint and count it."""
    if row.completion is None:
        tally.reject(row.line, row.error or "invalid row")
        return
    try:
        with session.begin_nested():
            outcome = intake.record_completion(
                session,
                provider_id=provider_id,
                completion=row.completion,
                courses=courses,
                settings=settings,
                now=now,
            )
    except ProblemError as exc:
        tally.reject(row.line, exc.detail)
        return
    if outcome.is_new:
        tally.accepted += 1
    else:
        tally.duplicates += 1


def require_active_provider(session: Session, *, provider_id: str) -> None:
    """Raise unless the provider exists and is active (suspended ones accept nothing)."""
    provider = provider_service.get_provider(session, provider_id=provider_id)
    if provider.status != ProviderStatus.ACTIVE:
        raise ProviderSuspended(f"Provider {provider_id!r} is suspended; reactivate it first.")


def import_completions(
    session: Session,
    *,
    provider_id: str,
    lines: Iterable[str],
    fmt: ImportFormat,
    actor: str,
    settings: Settings,
    now: datetime,
) -> ImportSummary:
    """Import every row in the caller's transaction and return the summary."""
    require_active_provider(session, provider_id=provider_id)
    tally = _record_rows(session, provider_id, parse_rows(lines, fmt), settings, now)
    audit.record(
        session,
        actor=actor,
        action="provider.import_completions",
        target_type="provider",
        target_id=provider_id,
        now=now,
        details={
            "accepted": tally.accepted,
            "duplicates": tally.duplicates,
            "rejected": tally.rejected,
        },
    )
    return tally.summary()


def import_in_batches(
    factory: sessionmaker[Session],
    *,
    provider_id: str,
    rows: Iterable[ParsedRow],
    batch_size: int,
    settings: Settings,
    clock: Clock,
    tally: ImportTally,
    on_commit: Callable[[int], None],
    sign_workers: int = 0,
) -> None:
    """Import rows committing every `batch_size`; `on_commit(last line)` follows each commit.

    Each batch is written in one go (`intake.batch`); if that fails (a webhook storing the same
    learner or completion meanwhile, a problem while issuing), the batch is rolled back and
    recorded row by row, each row in its savepoint as before. `sign_workers` > 0: the batches'
    credentials are signed in that many worker processes (`awards.signing_pool`), and each
    batch is prepared while the previous one is signed and written (`_Pipeline`).
    """
    iterator = iter(rows)
    with _heap_frozen(), signing_pool.signing_pool(settings, sign_workers) as pool:
        if pool is not None:
            pipeline = _Pipeline(factory, provider_id, settings, clock, tally, on_commit, pool)
            pipeline.run(iterator, batch_size)
            return
        while batch := list(islice(iterator, batch_size)):
            try:
                counted = _committed(factory, _record_batch, provider_id, batch, settings, clock())
            except (IntegrityError, ProblemError):
                counted = _committed(factory, _record_rows, provider_id, batch, settings, clock())
            tally.add(counted)
            on_commit(batch[-1].line)


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep what exists before the import (modules, settings, caches: most of the heap) out of
    its garbage collections, which otherwise walk all of it at each full collection; the
    signing workers, forked inside, inherit it frozen (importer CPU -6%, measured). Nothing
    when the process froze its heap itself: unfreezing would undo that."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


_Recorder = Callable[[Session, str, list[ParsedRow], Settings, datetime], ImportTally]


def _committed(
    factory: sessionmaker[Session],
    record: _Recorder,
    provider_id: str,
    batch: list[ParsedRow],
    settings: Settings,
    now: datetime,
) -> ImportTally:
    for session in session_scope(factory):
        counted = record(session, provider_id, batch, settings, now)
    return counted


def _record_batch(
    session: Session,
    provider_id: str,
    batch: list[ParsedRow],
    settings: Settings,
    now: datetime,
) -> ImportTally:
    """Record a batch in one go (`intake.batch`) in the caller's transaction."""
    prepared = _prepare_chunk(session, provider_id, batch, settings, now, pool=None)
    chunk.write_chunk(session, prepared, recheck=False)
    chunk.finish_chunk(session, prepared)
    return _counted(batch, prepared.result)


def _prepare_chunk(
    session: Session,
    provider_id: str,
    batch: list[ParsedRow],
    settings: Settings,
    now: datetime,
    *,
    pool: signing_pool.SigningPool | None,
) -> chunk.PreparedChunk:
    return chunk.prepare_chunk(
        session,
        provider_id=provider_id,
        rows=_parsed(batch),
        courses=intake.known_courses(session),
        settings=settings,
        now=now,
        pool=pool,
    )


def _parsed(batch: list[ParsedRow]) -> list[tuple[int, CompletionIn]]:
    return [(row.line, row.completion) for row in batch if row.completion is not None]


def _counted(batch: list[ParsedRow], result: chunk.ChunkResult) -> ImportTally:
    counted = ImportTally(accepted=result.accepted, duplicates=result.duplicates)
    unparsed = [(row.line, row.error or "invalid row") for row in batch if row.completion is None]
    # In line order, as the row-by-row path lists them.
    for line, reason in sorted(unparsed + result.rejected):
        counted.reject(line, reason)
    return counted


@dataclass(slots=True)
class _Prepared:
    """A batch prepared in a committed transaction, its credentials being signed."""

    rows: list[ParsedRow]
    chunk: chunk.PreparedChunk


class _Pipeline:
    """Batches in a pipeline, so that neither this process nor the signing workers wait.

    Transaction N writes batch N-1's completions (prepared, and its signing sent to the
    workers, in transaction N-1), prepares batch N (learners stored, status entries taken,
    awards planned and drafted: the workers start signing them), then inserts batch N-1's
    awards with their signed documents and commits. Batch N-1's completions and awards commit
    together, so a crash loses nothing: the resumed import starts after batch N-1's last line,
    and what transaction N stored for batch N (learners, status indexes never used) is
    harmless. Batch N is prepared after batch N-1's completions are written, in the same
    transaction, so it sees them; batch N-1's awards are written before it is prepared too,
    unsigned (their documents are stored at the end, as before), when they award one of batch
    N's learners, whose plan must see them. When batch N is written, in transaction N+1, what
    its plan was based on is checked again (`chunk.StaleChunk`).
    A batch that cannot be prepared or written is recorded row by row, as without a pool.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        provider_id: str,
        settings: Settings,
        clock: Clock,
        tally: ImportTally,
        on_commit: Callable[[int], None],
        pool: signing_pool.SigningPool,
    ) -> None:
        self._factory, self._provider_id, self._settings = factory, provider_id, settings
        self._clock, self._tally, self._on_commit, self._pool = clock, tally, on_commit, pool

    def run(self, iterator: Iterator[ParsedRow], batch_size: int) -> None:
        pending: _Prepared | None = None
        carried: list[ParsedRow] | None = None
        while True:
            try:
                batch = carried if carried is not None else list(islice(iterator, batch_size))
            except Exception:
                # An unreadable file stops the import: the rows read before it still count.
                while pending is not None:
                    pending, _ = self._advance(pending, [])
                raise
            if not batch and pending is None:
                return
            pending, carried = self._advance(pending, batch)

    def _advance(
        self, pending: _Prepared | None, batch: list[ParsedRow]
    ) -> tuple[_Prepared | None, list[ParsedRow] | None]:
        """Write `pending` and prepare `batch`. Returns the batch prepared, and the rows to
        prepare again (after a failed step: `pending` was then recorded row by row)."""
        try:
            prepared, unprepared = self._step(pending, batch)
        except (IntegrityError, ProblemError, chunk.StaleChunk):
            if pending is None:
                raise
            pending.chunk.cancel()
            self._by_rows(pending.rows)
            return None, batch
        if pending is not None:
            self._done(pending.rows, _counted(pending.rows, pending.chunk.result))
        if unprepared:
            self._by_rows(unprepared)
        return prepared, None

    def _step(
        self, pending: _Prepared | None, batch: list[ParsedRow]
    ) -> tuple[_Prepared | None, list[ParsedRow]]:
        """One transaction: write `pending`, prepare `batch`, finish `pending`, commit. Returns
        the prepared batch, or the rows that could not be prepared (to record row by row)."""
        prepared: _Prepared | None = None
        unprepared: list[ParsedRow] = []
        try:
            for session in session_scope(self._factory):
                if pending is not None:
                    chunk.write_chunk(session, pending.chunk, recheck=True)
                    if pending.chunk.awarding(_parsed(batch)):
                        chunk.write_awards(session, pending.chunk)  # `batch`'s plan needs them
                if batch:
                    try:
                        with session.begin_nested():
                            prepared = self._prepare(session, batch)
                    except (IntegrityError, ProblemError):
                        unprepared = batch
                if pending is not None:
                    chunk.finish_chunk(session, pending.chunk)
        except BaseException:
            if prepared is not None:
                prepared.chunk.cancel()
            raise
        return prepared, unprepared

    def _prepare(self, session: Session, batch: list[ParsedRow]) -> _Prepared:
        prepared = _prepare_chunk(
            session, self._provider_id, batch, self._settings, self._clock(), pool=self._pool
        )
        return _Prepared(batch, prepared)

    def _by_rows(self, rows: list[ParsedRow]) -> None:
        counted = _committed(
            self._factory, _record_rows, self._provider_id, rows, self._settings, self._clock()
        )
        self._done(rows, counted)

    def _done(self, rows: list[ParsedRow], counted: ImportTally) -> None:
        self._tally.add(counted)
        self._on_commit(rows[-1].line)


def _record_rows(
    session: Session,
    provider_id: str,
    rows: Iterable[ParsedRow],
    settings: Settings,
    now: datetime,
) -> ImportTally:
    """Record rows one by one, each in its savepoint, in the caller's transaction."""
    counted = ImportTally()
    courses = intake.known_courses(session)
    for row in rows:
        import_row(
            session,
            provider_id=provider_id,
            row=row,
            courses=courses,
            settings=settings,
            now=now,
            tally=counted,
        )
    return counted
