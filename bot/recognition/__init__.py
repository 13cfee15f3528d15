"""Recognitions: drafts, the outbox and its deliveries, reconciliation, lookups, directories."""
