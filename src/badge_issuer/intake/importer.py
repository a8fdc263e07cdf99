"""Bulk import of completions (CSV with a header, or JSON Lines of webhook bodies).

Rows are parsed lazily, so a file of any length streams through; each row is recorded in its
own savepoint through the same path as webhooks (minus the signature: the admin is trusted),
so a bad row is reported with its line number and never undoes the others.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
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
    credentials are signed in that many worker processes (`awards.signing_pool`).
    """
    iterator = iter(rows)
    with signing_pool.signing_pool(settings, sign_workers) as pool:
        record = partial(_record_batch, pool=pool)
        while batch := list(islice(iterator, batch_size)):
            try:
                counted = _committed(factory, record, provider_id, batch, settings, clock())
            except (IntegrityError, ProblemError):
                counted = _committed(factory, _record_rows, provider_id, batch, settings, clock())
            tally.add(counted)
            on_commit(batch[-1].line)


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
    *,
    pool: signing_pool.SigningPool | None = None,
) -> ImportTally:
    """Record a batch in one go (`intake.batch`) in the caller's transaction."""
    parsed = [(row.line, row.completion) for row in batch if row.completion is not None]
    result = chunk.record_chunk(
        session,
        provider_id=provider_id,
        rows=parsed,
        courses=intake.known_courses(session),
        settings=settings,
        now=now,
        pool=pool,
    )
    counted = ImportTally(accepted=result.accepted, duplicates=result.duplicates)
    unparsed = [(row.line, row.error or "invalid row") for row in batch if row.completion is None]
    # In line order, as the row-by-row path lists them.
    for line, reason in sorted(unparsed + result.rejected):
        counted.reject(line, reason)
    return counted


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
