"""Issuer problems."""

from __future__ import annotations

from badge_issuer.problems import Conflict, NotFound


class IssuerNotFound(NotFound):
    slug = "issuer-not-found"
    title = "Issuer not found"


class IssuerSlugTaken(Conflict):
    slug = "issuer-slug-taken"
    title = "An issuer with this slug exists"
