"""Statistics: a partial covering index over the awards that can count as held.

Every statistics query restricts awards to one key's achievements, to learners' unrevoked
awards, and reads only the columns below; with achievement, region and category leading, the
most common groupings arrive presorted, and PostgreSQL answers from the index alone (measured
in bench/stats.py: 100,000 learners, 300,000 awards).

Revision ID: 0005_stats_holding_index
Revises: 0004_achievement_image
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_stats_holding_index"
down_revision: str | None = "0004_achievement_image"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "revoked_at IS NULL AND learner_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index(
            "ix_award_stats_holding",
            [
                "achievement_id",
                "learner_region",
                "learner_category",
                "learner_id",
                "issued_at",
                "valid_until",
                "issuer_id",
            ],
            unique=False,
            sqlite_where=sa.text(_HELD),
            postgresql_where=sa.text(_HELD),
        )


def downgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_stats_holding")
