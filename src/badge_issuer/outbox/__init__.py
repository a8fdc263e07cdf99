"""The transactional outbox: learner mail and provider callbacks, delivered at least once."""
