"""Endorsement problems."""

from __future__ import annotations

from badge_issuer.problems import NotFound, ValidationFailed


class EndorsementNotFound(NotFound):
    slug = "endorsement-not-found"
    title = "Endorsement not found"


class EndorsementSubjectUnknown(NotFound):
    slug = "endorsement-subject-not-found"
    title = "The endorsed achievement or issuer does not exist"


class SelfEndorsement(ValidationFailed):
    slug = "self-endorsement"
    title = "An issuer cannot endorse itself"
