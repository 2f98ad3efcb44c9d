"""Explains declined payments with a model API."""

from __future__ import annotations

import urllib.request

from openai import OpenAI


def explain_decline(client: OpenAI, decline_code: str) -> str:
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Explain decline code {decline_code}."}],
        timeout=20,
    )
    return completion.choices[0].message.content or ""


def download_decline_codes(url: str) -> bytes:
    # urllib waits forever by default.
    with urllib.request.urlopen(url) as response:
        return response.read()
