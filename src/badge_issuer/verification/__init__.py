"""Verification of OB 3.0 credentials for employers: one report of named checks (pure core)."""
