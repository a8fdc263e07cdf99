"""Awards: a learner earns an achievement, and the signed OB 3.0 credential that says so."""
