"""Domain schema: issuers, signing keys, providers, learners, completions, skill map versions,
status lists and awards.

Reviewed by hand: one active key per issuer and one current skill map are partial unique
indexes (both SQLite and PostgreSQL support them); award uniqueness per learner, achievement and
sequence, and per status-list index, are what keep concurrent workers from double-issuing.

Revision ID: 0003_domain_schema
Revises: 0002_admin_tokens
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badge_issuer.db

revision: str = "0003_domain_schema"
down_revision: str | None = "0002_admin_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issuer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("image_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuer")),
        sa.UniqueConstraint("slug", name=op.f("uq_issuer_slug")),
    )
    op.create_table(
        "learner",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner")),
        sa.UniqueConstraint("email_hash", name=op.f("uq_learner_email_hash")),
    )
    op.create_table(
        "provider",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("callback_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider")),
    )
    op.create_table(
        "skill_map_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_map_version")),
    )
    with op.batch_alter_table("skill_map_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_skill_map_version_content_hash"), ["content_hash"], unique=False
        )
        batch_op.create_index(
            "uq_skill_map_version_one_current",
            ["is_current"],
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )

    op.create_table(
        "completion",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=100), nullable=False),
        sa.Column("completed_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("certificate_url", sa.String(length=1000), nullable=True),
        sa.Column("recorded_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_completion_learner_id_learner")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_completion_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completion")),
        sa.UniqueConstraint(
            "provider_id",
            "learner_id",
            "course_id",
            "completed_at",
            name=op.f("uq_completion_provider_id_learner_id_course_id_completed_at"),
        ),
    )
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_completion_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "provider_secret",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("wrapped_secret", sa.LargeBinary(), nullable=False),
        sa.Column("kek_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_provider_secret_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_secret")),
    )
    with op.batch_alter_table("provider_secret", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_secret_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_key_multibase", sa.String(length=128), nullable=False),
        sa.Column("wrapped_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("kek_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("activated_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("retired_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("revocation_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuer.id"], name=op.f("fk_signing_key_issuer_id_issuer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_key")),
        sa.UniqueConstraint("issuer_id", "key_id", name=op.f("uq_signing_key_issuer_id_key_id")),
    )
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_key_issuer_id"), ["issuer_id"], unique=False)
        batch_op.create_index(
            "uq_signing_key_one_active_per_issuer",
            ["issuer_id"],
            unique=True,
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        )

    op.create_table(
        "status_list",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("permutation_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("signed_document", sa.Text(), nullable=True),
        sa.Column("etag", sa.String(length=80), nullable=True),
        sa.Column("updated_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuer.id"], name=op.f("fk_status_list_issuer_id_issuer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_list")),
        sa.UniqueConstraint("public_id", name=op.f("uq_status_list_public_id")),
    )
    with op.batch_alter_table("status_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_list_issuer_id"), ["issuer_id"], unique=False)

    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("achievement_id", sa.String(length=100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("skill_map_version_id", sa.Integer(), nullable=True),
        sa.Column("signing_key_id", sa.Integer(), nullable=False),
        sa.Column("status_list_id", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("issued_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("valid_from", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("learner_region", sa.String(length=64), nullable=True),
        sa.Column("learner_category", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", badge_issuer.db.UTCDateTime(), nullable=True),
        sa.Column("revocation_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuer.id"], name=op.f("fk_award_issuer_id_issuer")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_award_learner_id_learner")
        ),
        sa.ForeignKeyConstraint(
            ["signing_key_id"], ["signing_key.id"], name=op.f("fk_award_signing_key_id_signing_key")
        ),
        sa.ForeignKeyConstraint(
            ["skill_map_version_id"],
            ["skill_map_version.id"],
            name=op.f("fk_award_skill_map_version_id_skill_map_version"),
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"], ["status_list.id"], name=op.f("fk_award_status_list_id_status_list")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
        sa.UniqueConstraint(
            "learner_id",
            "achievement_id",
            "sequence",
            name=op.f("uq_award_learner_id_achievement_id_sequence"),
        ),
        sa.UniqueConstraint(
            "status_list_id", "status_index", name=op.f("uq_award_status_list_id_status_index")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_award_uuid")),
    )
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index(
            "ix_award_achievement_region", ["achievement_id", "learner_region"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_award_issuer_id"), ["issuer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_award_signing_key_id"), ["signing_key_id"], unique=False
        )
        batch_op.create_index(
            "ix_award_stats_period", ["issued_at", "achievement_id"], unique=False
        )

    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("webhook_id", sa.String(length=200), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("completion_id", sa.Integer(), nullable=True),
        sa.Column("received_at", badge_issuer.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["completion_id"],
            ["completion.id"],
            name=op.f("fk_webhook_delivery_completion_id_completion"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_webhook_delivery_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
        sa.UniqueConstraint(
            "provider_id", "webhook_id", name=op.f("uq_webhook_delivery_provider_id_webhook_id")
        ),
    )
    op.create_table(
        "award_completion",
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("completion_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["award.id"], name=op.f("fk_award_completion_award_id_award")
        ),
        sa.ForeignKeyConstraint(
            ["completion_id"],
            ["completion.id"],
            name=op.f("fk_award_completion_completion_id_completion"),
        ),
        sa.PrimaryKeyConstraint("award_id", "completion_id", name=op.f("pk_award_completion")),
    )


def downgrade() -> None:
    op.drop_table("award_completion")
    op.drop_table("webhook_delivery")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_stats_period")
        batch_op.drop_index(batch_op.f("ix_award_signing_key_id"))
        batch_op.drop_index(batch_op.f("ix_award_issuer_id"))
        batch_op.drop_index("ix_award_achievement_region")

    op.drop_table("award")
    with op.batch_alter_table("status_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_list_issuer_id"))

    op.drop_table("status_list")
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_signing_key_one_active_per_issuer",
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_signing_key_issuer_id"))

    op.drop_table("signing_key")
    with op.batch_alter_table("provider_secret", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_secret_provider_id"))

    op.drop_table("provider_secret")
    with op.batch_alter_table("completion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_completion_learner_id"))

    op.drop_table("completion")
    with op.batch_alter_table("skill_map_version", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_skill_map_version_one_current",
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index(batch_op.f("ix_skill_map_version_content_hash"))

    op.drop_table("skill_map_version")
    op.drop_table("provider")
    op.drop_table("learner")
    op.drop_table("issuer")
