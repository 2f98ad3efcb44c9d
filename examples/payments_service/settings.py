"""Service configuration."""

from __future__ import annotations

import os

from pydantic import BaseModel
from pydantic_settings import BaseSettings

# Read while the module is imported: tests cannot change it afterwards.
LEDGER_TOKEN = os.environ["LEDGER_TOKEN"]


class ProviderConfig(BaseModel):
    base_url: str
    api_key: str  # a secret held as a plain string
    timeout: float = 30.0


class ServiceSettings(BaseSettings):
    database_url: str
    page_token: str | None = None  # not a secret: a pagination cursor


settings = ServiceSettings()
