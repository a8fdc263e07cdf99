"""Award problems."""

from __future__ import annotations

from badge_issuer.problems import Conflict, NotFound, ValidationFailed


class CredentialNotFound(NotFound):
    slug = "credential-not-found"
    title = "Credential not found"


class AchievementUnknown(ValidationFailed):
    slug = "achievement-unknown"
    title = "Achievement is not in the current skill map"


class AlreadyAwarded(Conflict):
    slug = "already-awarded"
    title = "The learner already holds this achievement"


class ApplyNotCurrent(Conflict):
    slug = "skill-map-version-not-current"
    title = "Only the current skill map version can be applied"


class ApplyRunNotFound(NotFound):
    slug = "apply-run-not-found"
    title = "Apply run not found"
