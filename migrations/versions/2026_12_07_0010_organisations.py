"""Organisations: admin tokens bound to issuers and expiring; endorsements.

Revision ID: 0010_organisations
Revises: 0060_learner_sign_in
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badge_issuer.db

revision: str = "0010_organisations"
down_revision: str | None = "0060_learner_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admin_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=True))
    op.create_table(
        "endorsement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_ref", sa.String(length=128), nullable=False),
        sa.Column("subject_issuer_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("signing_key_id", sa.Integer(), nullable=False),
        sa.Column("status_list_id", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("issued_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("revocation_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["endorser_id"], ["issuer.id"], name=op.f("fk_endorsement_endorser_id_issuer")
        ),
        sa.ForeignKeyConstraint(
            ["subject_issuer_id"],
            ["issuer.id"],
            name=op.f("fk_endorsement_subject_issuer_id_issuer"),
        ),
        sa.ForeignKeyConstraint(
            ["signing_key_id"],
            ["signing_key.id"],
            name=op.f("fk_endorsement_signing_key_id_signing_key"),
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["status_list.id"],
            name=op.f("fk_endorsement_status_list_id_status_list"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement")),
        sa.UniqueConstraint(
            "status_list_id",
            "status_index",
            name=op.f("uq_endorsement_status_list_id_status_index"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_endorsement_uuid")),
    )
    with op.batch_alter_table("endorsement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_endorsement_endorser_id"), ["endorser_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_endorsement_subject_issuer_id"), ["subject_issuer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_endorsement_signing_key_id"), ["signing_key_id"], unique=False
        )
        batch_op.create_index(
            "ix_endorsement_subject", ["subject_type", "subject_ref"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("endorsement", schema=None) as batch_op:
        batch_op.drop_index("ix_endorsement_subject")
        batch_op.drop_index(batch_op.f("ix_endorsement_signing_key_id"))
        batch_op.drop_index(batch_op.f("ix_endorsement_subject_issuer_id"))
        batch_op.drop_index(batch_op.f("ix_endorsement_endorser_id"))
    op.drop_table("endorsement")
    with op.batch_alter_table("admin_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("issuers")
