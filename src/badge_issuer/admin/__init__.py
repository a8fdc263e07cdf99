"""Admin access: scoped bearer tokens, stored only as hashes."""
