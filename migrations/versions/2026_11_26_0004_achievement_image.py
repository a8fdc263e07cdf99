"""Achievement images uploaded by admins (the artwork credentials are baked into).

Revision ID: 0004_achievement_image
Revises: 0003_domain_schema
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badge_issuer.db

revision: str = "0004_achievement_image"
down_revision: str | None = "0003_domain_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "achievement_image",
        sa.Column("achievement_id", sa.String(length=128), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("achievement_id", name=op.f("pk_achievement_image")),
    )


def downgrade() -> None:
    op.drop_table("achievement_image")
