"""Learners, known by a keyed hash of their normalised email."""
