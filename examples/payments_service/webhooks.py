"""Delivers webhooks to merchants, with retries."""

from __future__ import annotations

import logging
import time

import httpx

logger = logging.getLogger(__name__)

http = httpx.Client(base_url="https://hooks.payments.example")


class WebhookError(Exception):
    pass


class DeliveryError(Exception):
    pass


def deliver(url: str, payload: dict) -> None:
    while True:
        try:
            response = http.post(url, json=payload)
            response.raise_for_status()
            return
        except httpx.HTTPError as error:
            logger.warning("delivery failed", extra={"headers": dict(error.request.headers)})
            time.sleep(2)


def deliver_once(url: str, payload: dict) -> int:
    try:
        return http.post(url, json=payload).status_code
    except httpx.HTTPStatusError as error:
        raise RuntimeError(f"webhook rejected: {error}") from error


def stream_events(client: httpx.Client, url: str) -> list[str]:
    response = client.send(client.build_request("GET", url), stream=True)
    return [line for line in response.iter_lines()]
