"""Ledger API access with `requests`: the classic ways to wait forever."""

from __future__ import annotations

import logging

import requests

logger = logging.getLogger(__name__)

LEDGER_URL = "https://ledger.internal.example/v2"
LEDGER_TIMEOUT = 10


def fetch_balance(account_id: str) -> dict:
    # No timeout at all: a ledger that accepts the connection and stalls
    # hangs this worker forever.
    response = requests.get(f"{LEDGER_URL}/accounts/{account_id}/balance")
    response.raise_for_status()
    return response.json()


def post_entry(entry: dict) -> dict:
    # One number for connect and read.
    response = requests.post(f"{LEDGER_URL}/entries", json=entry, timeout=LEDGER_TIMEOUT)
    response.raise_for_status()
    return response.json()


class LedgerSession:
    """Keeps one session per process for connection reuse."""

    def __init__(self) -> None:
        self._session = requests.Session()

    def entries(self, account_id: str, cursor: str | None = None) -> dict:
        params = {"cursor": cursor} if cursor else {}
        return self._session.get(
            f"{LEDGER_URL}/accounts/{account_id}/entries", params=params
        ).json()

    def export(self, account_id: str) -> bytes:
        # Explicitly disabled: exports are slow, so someone turned it off.
        response = self._session.get(f"{LEDGER_URL}/accounts/{account_id}/export", timeout=None)
        return response.content

    def health(self) -> bool:
        # Correct: a (connect, read) budget.
        return self._session.get(f"{LEDGER_URL}/health", timeout=(3.05, 5)).ok

    def close(self) -> None:
        self._session.close()
