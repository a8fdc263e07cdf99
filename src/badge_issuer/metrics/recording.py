"""Credentials issued and revoked, counted when their transaction commits (ORM session events).

Every path that awards or revokes (webhooks, imports, direct awards, the VC API, revocation) goes
through an ORM session, so counting there needs no call in any of them, and a rolled-back award
is never counted: flushed changes are collected per session and counted only after the commit.
Awards inserted by a Core statement (the completion path) are never flushed ORM objects: the
issuing code lists them in `session.info[INSERTED_AWARDS]`, collected before the commit (the bulk
importer lists one `InsertedAwards` per issuer, achievement and source of a batch).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from badge_issuer.awards.models import INSERTED_AWARDS, Award, InsertedAwards
from badge_issuer.issuers.models import Issuer
from badge_issuer.kit.metrics import (
    CREDENTIALS_ISSUED,
    CREDENTIALS_REVOKED,
    VERIFICATION_FAILED_CHECKS,
    VERIFICATIONS,
)

_PENDING = "badge_issuer_metrics_pending"
_COMMITTED = "badge_issuer_metrics_committed"
# (transaction, "issued" or "revoked", labels, how many)
_Pending = tuple[SessionTransaction | None, str, tuple[str, ...], int]
# Issuer slugs never change: one lookup per issuer, database and process. Keyed by the
# database too: ids are per database, and a process that opens several (the tests) counted one
# database's awards under another's slug.
_ISSUER_SLUGS: dict[tuple[str, int], str] = {}
_installed = False


def install() -> None:
    """Listen to every ORM session of the process (once)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _collect)
    event.listen(Session, "before_commit", _collect_inserted)
    event.listen(Session, "after_commit", _mark_committed)
    event.listen(Session, "after_transaction_end", _count_if_committed)
    event.listen(Session, "after_soft_rollback", _forget)
    _installed = True


def _collect(session: Session, _flush: UOWTransaction) -> None:
    # Each change remembers the (nested) transaction it was flushed in, so a savepoint rolled
    # back (e.g. a concurrent award refused by the unique constraint) takes its changes along.
    where = session.get_nested_transaction() or session.get_transaction()
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    for instance in session.new:
        if isinstance(instance, Award):
            issuer = _issuer_slug(session, instance.issuer_id)
            labels = (issuer, instance.achievement_id, instance.source)
            pending.append((where, "issued", labels, 1))
    for instance in session.dirty:
        if isinstance(instance, Award) and _newly_revoked(instance):
            pending.append((where, "revoked", (_issuer_slug(session, instance.issuer_id),), 1))


def _collect_inserted(session: Session) -> None:
    # Before the commit: the issuer's slug may still need a read in this transaction.
    inserted: list[tuple[SessionTransaction | None, Award | InsertedAwards]] = session.info.pop(
        INSERTED_AWARDS, []
    )
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    for where, award in inserted:
        issuer = _issuer_slug(session, award.issuer_id)
        count = award.count if isinstance(award, InsertedAwards) else 1
        pending.append((where, "issued", (issuer, award.achievement_id, award.source), count))


def _newly_revoked(award: Award) -> bool:
    history = inspect(award).attrs.revoked_at.history
    added, deleted = list(history.added), list(history.deleted)
    return bool(added) and added[0] is not None and not any(deleted)


def _issuer_slug(session: Session, issuer_id: int) -> str:
    key = (str(session.get_bind().engine.url), issuer_id)
    slug = _ISSUER_SLUGS.get(key)
    if slug is None:
        issuer = session.get(Issuer, issuer_id)
        slug = issuer.slug if issuer is not None else "unknown"
        _ISSUER_SLUGS[key] = slug
    return slug


def _mark_committed(session: Session) -> None:
    # Fires for a released savepoint too: only the end of the outermost transaction counts.
    session.info[_COMMITTED] = True


def _count_if_committed(session: Session, transaction: SessionTransaction) -> None:
    committed = session.info.pop(_COMMITTED, False)
    if transaction.parent is not None or transaction.nested:
        return
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    session.info.pop(INSERTED_AWARDS, None)  # of a transaction that did not commit
    if not committed:
        return
    for _where, kind, labels, count in pending:
        if kind == "issued":
            CREDENTIALS_ISSUED.labels(*labels).inc(count)
        else:
            CREDENTIALS_REVOKED.labels(*labels).inc(count)


def _forget(session: Session, rolled_back: SessionTransaction) -> None:
    pending: list[_Pending] = session.info.get(_PENDING, [])
    session.info[_PENDING] = [entry for entry in pending if not _within(entry[0], rolled_back)]
    inserted = session.info.get(INSERTED_AWARDS, [])
    session.info[INSERTED_AWARDS] = [e for e in inserted if not _within(e[0], rolled_back)]


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def record_verification(verified: bool, checks: Iterable[Mapping[str, Any] | Any]) -> None:
    """Count one verification report and each of its failed checks."""
    VERIFICATIONS.labels("verified" if verified else "not_verified").inc()
    for check in checks:
        status = check.get("status") if isinstance(check, Mapping) else check.status
        name = check.get("check") if isinstance(check, Mapping) else check.check
        if status == "failed":
            VERIFICATION_FAILED_CHECKS.labels(str(name)).inc()
