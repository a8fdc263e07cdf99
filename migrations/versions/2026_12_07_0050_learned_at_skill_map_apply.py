"""Awards record when the learning happened; skill map apply runs.

`award.learned_at`: the latest completion that earned the credential (statistics count by it),
backfilled from the evidence completions, or the issue time for awards without any (direct
awards). The statistics covering index gains the column. `skill_map_apply`: one row per run of
applying a skill map version to every learner (cursor, counts, state) so a run can resume.

Revision ID: 0050_learned_at_skill_map_apply
Revises: 0020_outbox
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from badge_issuer.db import UTCDateTime

revision: str = "0050_learned_at_skill_map_apply"
down_revision: str | None = "0020_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "revoked_at IS NULL AND learner_id IS NOT NULL"
_INDEX_COLUMNS = [
    "achievement_id",
    "learner_region",
    "learner_category",
    "learner_id",
    "issued_at",
    "valid_until",
    "issuer_id",
]
_BACKFILL = """
UPDATE award SET learned_at = COALESCE(
    (SELECT MAX(completion.completed_at)
       FROM award_completion JOIN completion ON completion.id = award_completion.completion_id
      WHERE award_completion.award_id = award.id),
    issued_at)
"""


def _stats_index(batch_op: object, columns: list[str]) -> None:
    batch_op.create_index(  # type: ignore[attr-defined]
        "ix_award_stats_holding",
        columns,
        unique=False,
        sqlite_where=sa.text(_HELD),
        postgresql_where=sa.text(_HELD),
    )


def upgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_stats_holding")
        batch_op.add_column(sa.Column("learned_at", UTCDateTime(), nullable=True))
    op.execute(_BACKFILL)
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.alter_column("learned_at", existing_type=UTCDateTime(), nullable=False)
        _stats_index(batch_op, [*_INDEX_COLUMNS, "learned_at"])
    op.create_table(
        "skill_map_apply",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("skill_map_version_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("learners_total", sa.Integer(), nullable=False),
        sa.Column("learners_done", sa.Integer(), nullable=False),
        sa.Column("learners_awarded", sa.Integer(), nullable=False),
        sa.Column("credentials_issued", sa.Integer(), nullable=False),
        sa.Column("learners_deferred", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["skill_map_version_id"],
            ["skill_map_version.id"],
            name=op.f("fk_skill_map_apply_skill_map_version_id_skill_map_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_map_apply")),
    )
    with op.batch_alter_table("skill_map_apply", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_skill_map_apply_skill_map_version_id"),
            ["skill_map_version_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("skill_map_apply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_map_apply_skill_map_version_id"))
    op.drop_table("skill_map_apply")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_stats_holding")
        batch_op.drop_column("learned_at")
    with op.batch_alter_table("award", schema=None) as batch_op:
        _stats_index(batch_op, _INDEX_COLUMNS)
