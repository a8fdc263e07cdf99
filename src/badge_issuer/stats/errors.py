"""Statistics problems."""

from __future__ import annotations

from badge_issuer.problems import ValidationFailed


class StatsQueryInvalid(ValidationFailed):
    slug = "stats-query-invalid"
    title = "Statistics query is not valid"


class StatsTooLarge(ValidationFailed):
    slug = "stats-too-large"
    title = "Statistics answer would be too large"
