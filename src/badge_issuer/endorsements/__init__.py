"""Endorsements: one issuer vouches for another's achievement or profile (OB 3.0)."""
