"""Completion intake: signed webhooks and bulk imports become completions, then awards."""
