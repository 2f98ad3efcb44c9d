"""Payment provider client built on httpx."""

from __future__ import annotations

import httpx

PROVIDER_URL = "https://api.payments.example"


class ProviderClient:
    def __init__(self, api_key: str) -> None:
        self._http = httpx.Client(
            base_url=PROVIDER_URL,
            headers={"Authorization": f"Bearer {api_key}"},
            # A single number hides whether connect, read, write or the pool tripped.
            timeout=30,
        )

    def charge(self, amount: int, currency: str, idempotency_key: str) -> dict:
        response = self._http.post(
            "/v1/charges",
            json={"amount": amount, "currency": currency},
            headers={"Idempotency-Key": idempotency_key},
        )
        response.raise_for_status()
        return response.json()

    def refund(self, charge_id: str) -> dict:
        # A per-call override that is still a single number.
        response = self._http.post(f"/v1/charges/{charge_id}/refund", timeout=5.0)
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        self._http.close()


# Correct: per-phase budgets, including the pool.
STRUCTURED_TIMEOUT = httpx.Timeout(30.0, connect=3.0, read=30.0, write=10.0, pool=2.0)

# A structured type that still holds a single number.
WEBHOOK_TIMEOUT = httpx.Timeout(10.0)


async def send_webhook(client: httpx.AsyncClient, url: str, payload: dict) -> int:
    response = await client.post(url, json=payload, timeout=WEBHOOK_TIMEOUT)
    return response.status_code
