"""E-learning providers: accounts, webhook secrets, and the completions they report."""
