"""Payments service: wraps a payment provider, a ledger API and a model API."""
