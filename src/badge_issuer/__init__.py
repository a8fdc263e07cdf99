"""badge-issuer: an Open Badges 3.0 issuing service."""

__version__ = "0.1.0"
