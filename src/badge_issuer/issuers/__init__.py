"""Issuers: the organisations that sign badges (prefecture, cities, universities), as did:web."""
