"""Revocation: W3C Bitstring Status Lists, one set per issuer."""
