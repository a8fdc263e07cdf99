"""Provider callbacks: `award.created` and `credential.revoked`, signed with Standard Webhooks."""
