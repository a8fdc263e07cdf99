"""Statistics: a small partial index over the held awards that repeat an achievement.

The unique constraint (learner_id, achievement_id, sequence) lets a learner hold an achievement
more than once only through an award whose sequence is not 0. Statistics count the learners
of one achievement with count(*) over the covering index ix_award_stats_holding and correct
only the (learner, achievement) pairs listed here, instead of sorting every cell's learners for
count(DISTINCT) (bench/stats.py). The index holds only repeats, so it stays tiny.

Revision ID: 0090_stats_repeat_index
Revises: 0070_config_version
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0090_stats_repeat_index"
down_revision: str | None = "0070_config_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REPEAT = "revoked_at IS NULL AND learner_id IS NOT NULL AND sequence <> 0"


def upgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index(
            "ix_award_stats_repeat",
            ["achievement_id", "learner_id"],
            unique=False,
            sqlite_where=sa.text(_REPEAT),
            postgresql_where=sa.text(_REPEAT),
        )


def downgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_stats_repeat")
