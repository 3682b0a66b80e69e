"""Referrals: the service directory, referrals with consent, and services delivered."""
