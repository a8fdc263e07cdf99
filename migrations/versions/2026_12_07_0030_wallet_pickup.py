"""Wallet pickup: claim links, VCALM exchanges, OpenID4VCI grants and nonces; an award's copy
for a wallet points at the award it copies.

Reviewed by hand: the single-use rules (an exchange completes once, a pre-authorized code and a
nonce are used once) are conditional UPDATEs on these rows, so the unique hashes are what keep
two processes from handing out the same grant.

Revision ID: 0030_wallet_pickup
Revises: 0005_stats_holding_index
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badge_issuer.db

revision: str = "0030_wallet_pickup"
down_revision: str | None = "0005_stats_holding_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.add_column(sa.Column("derived_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_award_derived_from_id"), ["derived_from_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_award_derived_from_id_award"), "award", ["derived_from_id"], ["id"]
        )
    op.create_table(
        "claim_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("tx_code_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"], ["award.id"], name=op.f("fk_claim_link_award_id_award")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_claim_link_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_link")),
        sa.UniqueConstraint("public_id", name=op.f("uq_claim_link_public_id")),
    )
    op.create_index(op.f("ix_claim_link_award_id"), "claim_link", ["award_id"])
    op.create_table(
        "wallet_exchange",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=43), nullable=False),
        sa.Column("claim_link_id", sa.Integer(), nullable=False),
        sa.Column("protocol", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("completed_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("holder_did", sa.String(length=500), nullable=True),
        sa.Column("issued_award_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_link_id"],
            ["claim_link.id"],
            name=op.f("fk_wallet_exchange_claim_link_id_claim_link"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_award_id"], ["award.id"], name=op.f("fk_wallet_exchange_issued_award_id_award")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_exchange")),
        sa.UniqueConstraint("public_id", name=op.f("uq_wallet_exchange_public_id")),
    )
    op.create_index(op.f("ix_wallet_exchange_claim_link_id"), "wallet_exchange", ["claim_link_id"])
    op.create_table(
        "oid4vci_grant",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_link_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("code_used_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("access_token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("completed_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("holder_did", sa.String(length=500), nullable=True),
        sa.Column("issued_award_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_link_id"],
            ["claim_link.id"],
            name=op.f("fk_oid4vci_grant_claim_link_id_claim_link"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_award_id"], ["award.id"], name=op.f("fk_oid4vci_grant_issued_award_id_award")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_grant")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oid4vci_grant_code_hash")),
        sa.UniqueConstraint("access_token_hash", name=op.f("uq_oid4vci_grant_access_token_hash")),
    )
    op.create_index(op.f("ix_oid4vci_grant_claim_link_id"), "oid4vci_grant", ["claim_link_id"])
    op.create_table(
        "oid4vci_nonce",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_nonce")),
        sa.UniqueConstraint("nonce_hash", name=op.f("uq_oid4vci_nonce_nonce_hash")),
    )


def downgrade() -> None:
    op.drop_table("oid4vci_nonce")
    op.drop_index(op.f("ix_oid4vci_grant_claim_link_id"), table_name="oid4vci_grant")
    op.drop_table("oid4vci_grant")
    op.drop_index(op.f("ix_wallet_exchange_claim_link_id"), table_name="wallet_exchange")
    op.drop_table("wallet_exchange")
    op.drop_index(op.f("ix_claim_link_award_id"), table_name="claim_link")
    op.drop_table("claim_link")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_award_derived_from_id_award"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_award_derived_from_id"))
        batch_op.drop_column("derived_from_id")
