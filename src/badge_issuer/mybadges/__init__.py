"""My badges: a learner signs in (mailed one-time link or a claim link) and sees every badge
they hold across issuers, and their progress toward the others."""
