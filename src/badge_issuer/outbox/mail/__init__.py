"""Learner mail: a message per new credential, through SMTP (or .eml files in development)."""
