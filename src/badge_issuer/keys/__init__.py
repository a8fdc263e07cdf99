"""Signing keys: storage encrypted at rest, lifecycle, and the Signer that proofs use."""
