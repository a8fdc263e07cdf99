"""Skill map: the file format, its validation and the pure rules that award achievements."""
