"""Outbox problems."""

from __future__ import annotations

from badge_issuer.problems import Conflict, NotFound


class DeliveryNotFound(NotFound):
    slug = "delivery-not-found"
    title = "Delivery not found"


class DeliveryNotRetryable(Conflict):
    slug = "delivery-not-retryable"
    title = "This delivery cannot be retried now"
