"""Learners take their credentials home: claim links, wallet exchanges (VCALM, LCW), OpenID4VCI."""
