"""Append-only audit log of admin actions."""
