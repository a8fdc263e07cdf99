"""Data Integrity proofs: cryptosuites by name, the Signer protocol, verification results."""
