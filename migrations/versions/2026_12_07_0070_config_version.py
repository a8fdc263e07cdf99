"""A version token of what issuing reads on every completion, changed by triggers on every write.

Reviewed by hand. Issuers, signing keys, endorsements and providers are read by every completion
that issues a credential; a server process keeps them in memory as long as `config_version.token`
is the one it read them under (`kit/config_version.py`). Triggers replace the token on every
INSERT, UPDATE or DELETE of those tables (and TRUNCATE on PostgreSQL), whatever code or tool
writes. The token is random, never a counter: a transaction that wrote and then rolled back
must not leave a token that a later change would take again.

Revision ID: 0070_config_version
Revises: 0010_organisations
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0070_config_version"
down_revision: str | None = "0010_organisations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every name and expression put into the SQL below is one of these constants (hence noqa S608).
WATCHED = ("issuer", "signing_key", "endorsement", "provider")
_SQLITE_EVENTS = ("insert", "update", "delete")
_SQLITE_RANDOM = "lower(hex(randomblob(16)))"
_POSTGRESQL_RANDOM = "md5(random()::text || clock_timestamp()::text)"


def upgrade() -> None:
    op.create_table(
        "config_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_version")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    token = _SQLITE_RANDOM if sqlite else _POSTGRESQL_RANDOM
    op.execute(f"INSERT INTO config_version (id, token) VALUES (1, {token})")  # noqa: S608
    action = f"UPDATE config_version SET token = {token}"  # noqa: S608
    if sqlite:
        for table in WATCHED:
            for event in _SQLITE_EVENTS:
                name, when = f"config_version_{table}_{event}", f"AFTER {event.upper()} ON {table}"
                op.execute(f"CREATE TRIGGER {name} {when} BEGIN {action}; END")
        return
    op.execute(
        "CREATE FUNCTION config_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {action}; RETURN NULL; END $$"
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER config_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION config_version_bump()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for event in _SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER config_version_{table}_{event}")
    else:
        for table in WATCHED:
            op.execute(f"DROP TRIGGER config_version_{table} ON {table}")
        op.execute("DROP FUNCTION config_version_bump()")
    op.drop_table("config_version")
