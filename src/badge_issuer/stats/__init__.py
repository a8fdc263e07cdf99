"""Talent visibility: privacy-safe counts of learners holding achievements and skills."""
