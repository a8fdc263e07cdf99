"""Continuity: badges outlive one database, one domain name and the service itself.

`backup`/`restore` snapshot a database with its own tools (SQLite's online backup API,
pg_dump/pg_restore) beside a manifest; `dbcopy` moves a deployment between databases (SQLite to
PostgreSQL when it outgrows one node); `archive` writes every public document a verifier needs as
static files. The key-encryption key is never inside any of them: it is kept apart, and the
checks after a restore or a copy prove that the configured one still unwraps every signing key.
"""
