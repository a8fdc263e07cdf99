"""Transactional outbox: learner mail and provider callbacks, with their delivery attempts.

Revision ID: 0020_outbox
Revises: 0030_wallet_pickup
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badge_issuer.db

revision: str = "0020_outbox"
down_revision: str | None = "0030_wallet_pickup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("sealed_recipient", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("schedule_offset", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_job")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_job_event_id")),
    )
    op.create_index("ix_outbox_job_due", "outbox_job", ["state", "next_attempt_at"])
    op.create_index(op.f("ix_outbox_job_target"), "outbox_job", ["target"])
    op.create_table(
        "outbox_attempt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("started_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["outbox_job.id"],
            name=op.f("fk_outbox_attempt_job_id_outbox_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attempt")),
        sa.UniqueConstraint("job_id", "number", name=op.f("uq_outbox_attempt_job_id_number")),
    )


def downgrade() -> None:
    op.drop_table("outbox_attempt")
    op.drop_index(op.f("ix_outbox_job_target"), table_name="outbox_job")
    op.drop_index("ix_outbox_job_due", table_name="outbox_job")
    op.drop_table("outbox_job")
