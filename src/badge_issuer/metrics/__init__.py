"""Operational metrics (Prometheus) and optional traces (OpenTelemetry).

What is counted is recorded where it happens without the domains knowing: HTTP answers by an
ASGI middleware, credentials issued and revoked by ORM session events after their transaction
commits, and the state of keys, status lists and queues read from the database at scrape time.
Label values are bounded: route templates, known issuers, achievements, providers that
authenticated, check names and problem slugs; never learner, credential or webhook ids.
"""
