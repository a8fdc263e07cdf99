"""Issued credentials and the completions each one stands on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from badge_issuer.db import Base

# `session.info` key: awards inserted by a Core statement in this session, each with the (nested)
# transaction it was inserted in. They are never "new" ORM objects, so no flush names them; the
# counters of issued credentials (metrics/recording.py) read them here instead.
INSERTED_AWARDS = "badge_issuer_inserted_awards"


@dataclass(frozen=True, slots=True)
class InsertedAwards:
    """An `INSERTED_AWARDS` entry for many awards at once (the bulk importer's): how many were
    inserted of one issuer, achievement and source."""

    issuer_id: int
    achievement_id: str
    source: str
    count: int


class AwardSource(StrEnum):
    RULE = "rule"
    DIRECT = "direct"
    API = "api"
    WALLET = "wallet"


def _issued_at(context: DefaultExecutionContext) -> datetime:
    issued_at: datetime = context.get_current_parameters()["issued_at"]  # type: ignore[no-untyped-call]
    return issued_at


class Award(Base):
    """One credential. `sequence` numbers a learner's awards of one achievement: the unique
    constraint on it makes concurrent evaluations award at most once, and lets a fresh
    credential be earned after the previous one expired (sequence + 1)."""

    __tablename__ = "award"
    __table_args__ = (
        UniqueConstraint("learner_id", "achievement_id", "sequence"),
        UniqueConstraint("status_list_id", "status_index"),
        Index("ix_award_stats_period", "issued_at", "achievement_id"),
        Index("ix_award_achievement_region", "achievement_id", "learner_region"),
        # Statistics (migration 0005): every column they read, over awards that can count.
        Index(
            "ix_award_stats_holding",
            "achievement_id",
            "learner_region",
            "learner_category",
            "learner_id",
            "issued_at",
            "valid_until",
            "issuer_id",
            "learned_at",
            sqlite_where=text("revoked_at IS NULL AND learner_id IS NOT NULL"),
            postgresql_where=text("revoked_at IS NULL AND learner_id IS NOT NULL"),
        ),
        # Statistics (migration 0090): the held awards that repeat an achievement (stats/).
        Index(
            "ix_award_stats_repeat",
            "achievement_id",
            "learner_id",
            sqlite_where=text("revoked_at IS NULL AND learner_id IS NOT NULL AND sequence <> 0"),
            postgresql_where=text(
                "revoked_at IS NULL AND learner_id IS NOT NULL AND sequence <> 0"
            ),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The credential's public id: <PUBLIC_URL>/credentials/<uuid>.
    # insert_sentinel: a unique value made before the INSERT lets SQLite insert many rows in
    # one statement and still match the ids it returns (the bulk importer's batches).
    uuid: Mapped[str] = mapped_column(String(36), unique=True, insert_sentinel=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"), index=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learner.id"))
    achievement_id: Mapped[str] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16))
    skill_map_version_id: Mapped[int | None] = mapped_column(ForeignKey("skill_map_version.id"))
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("signing_key.id"), index=True)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    status_index: Mapped[int] = mapped_column(Integer)
    # The signed credential exactly as served (JSON text: served byte for byte).
    document: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]
    # When the learning happened: the latest completion that earned it (statistics count by
    # it, so completions imported late fall in their own month); direct awards: issued_at.
    learned_at: Mapped[datetime] = mapped_column(default=_issued_at)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    # Snapshot of the learner's group at award time, for statistics.
    learner_region: Mapped[str | None] = mapped_column(String(64))
    learner_category: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    # Kept privately: never published in the status list or the credential.
    revocation_reason: Mapped[str | None] = mapped_column(String(500))
    # A wallet's copy (subject = the holder's DID) points at the award it copies: no learner
    # of its own (counted once in statistics), its own status entry, revoked with the original.
    derived_from_id: Mapped[int | None] = mapped_column(ForeignKey("award.id"), index=True)


class AwardCompletion(Base):
    """Which completions met the rule: the credential's evidence."""

    __tablename__ = "award_completion"

    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), primary_key=True)
    completion_id: Mapped[int] = mapped_column(ForeignKey("completion.id"), primary_key=True)
