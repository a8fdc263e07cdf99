"""My badges: one-time sign-in links and learner sessions (hashes of their secrets only).

Reviewed by hand: a sign-in link is used once by a conditional UPDATE on `used_at`, so the
unique token hash is what keeps two requests from both signing in with one link.

Revision ID: 0060_learner_sign_in
Revises: 0050_learned_at_skill_map_apply
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badge_issuer.db

revision: str = "0060_learner_sign_in"
down_revision: str | None = "0050_learned_at_skill_map_apply"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_sign_in_link_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_link_token_hash")),
    )
    op.create_index(op.f("ix_sign_in_link_learner_id"), "sign_in_link", ["learner_id"])
    op.create_table(
        "learner_session",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(length=16), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_learner_session_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_session")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_learner_session_secret_hash")),
    )
    op.create_index(op.f("ix_learner_session_learner_id"), "learner_session", ["learner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_learner_session_learner_id"), table_name="learner_session")
    op.drop_table("learner_session")
    op.drop_index(op.f("ix_sign_in_link_learner_id"), table_name="sign_in_link")
    op.drop_table("sign_in_link")
