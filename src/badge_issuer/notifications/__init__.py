"""Senders of the outbox's channels: they read what a message says (credentials, providers,
progress, claim links) and send it. Above the domains they read; the queue itself (`outbox/`)
sits below `awards/`, which writes jobs into it."""
