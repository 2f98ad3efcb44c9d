//! WL7: configuration. The environment and settings read at import time,
//! client configuration models that can be mutated or silently accept
//! unknown fields, single-number timeout settings, and classes mixing two
//! styles of per-request overrides. Helpers shared by the family live here.

pub(crate) mod env_at_import_time;
pub(crate) mod mixed_override_styles;
pub(crate) mod mutable_config_model;
pub(crate) mod scalar_timeout_setting;
pub(crate) mod settings_at_import_time;

use ruff_python_ast::StmtClassDef;

use crate::semantic::models::model_fields;

/// Name endings of classes that configure something.
const CONFIG_SUFFIXES: &[&str] = &["Config", "Settings", "Options"];

/// Fields that only a client's configuration has: where it connects, how
/// it authenticates, how long it waits and how often it retries.
const CLIENT_FIELDS: &[&str] = &["base_url", "endpoint", "api_key", "timeout", "max_retries"];

/// How strongly a model's own text says it configures a client (WL703).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ClientConfigEvidence {
    /// Nothing: not named like a configuration and no client field.
    None,
    /// One name-based guess: named `*Config`, `*Settings` or `*Options`, or
    /// one client field. A client built from it must confirm it.
    Guess,
    /// Two pieces: the name and a client field, or two client fields
    /// (`base_url`, `endpoint`, `api_key`, `timeout`, `max_retries`).
    Confirmed,
}

/// What a model's name and fields say about it configuring a client.
pub(crate) fn client_config_evidence(class: &StmtClassDef) -> ClientConfigEvidence {
    let mut fields: Vec<&str> = model_fields(class)
        .map(|(field, _)| field.id.as_str())
        .filter(|field| CLIENT_FIELDS.contains(field))
        .collect();
    fields.sort_unstable();
    fields.dedup();
    let pieces = fields.len() + usize::from(is_config_named(class));
    match pieces {
        0 => ClientConfigEvidence::None,
        1 => ClientConfigEvidence::Guess,
        _ => ClientConfigEvidence::Confirmed,
    }
}

/// Whether a model is a configuration model for WL704, whose subject is the
/// `timeout` field itself: named like a configuration, or with another
/// client field. A request description with a timeout is not configuration.
pub(crate) fn is_timeout_config_model(class: &StmtClassDef) -> bool {
    is_config_named(class) || has_field(class, &["base_url", "api_key", "max_retries"])
}

fn is_config_named(class: &StmtClassDef) -> bool {
    let name = class.name.as_str();
    CONFIG_SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

fn has_field(class: &StmtClassDef, names: &[&str]) -> bool {
    model_fields(class).any(|(field, _)| names.contains(&field.id.as_str()))
}

#[cfg(test)]
mod tests {
    use crate::settings::{LinterSettings, RuleSelection};

    /// The shapes the policy (`docs/policy.md`) recommends, with its one
    /// anti-pattern at the end.
    const POLICY_EXAMPLES: &str = r#"
import logging
import os
from typing import Annotated, Self

import httpx
from openai import OpenAI
from pydantic import BaseModel, ConfigDict, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ClientConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str
    api_key: SecretStr
    max_retries: Annotated[int, "exponential backoff, bounded"] = 3
    timeout: httpx.Timeout = httpx.Timeout(
        60.0,
        connect=5.0,
        read=30.0,
        write=30.0,
        pool=5.0,
    )
    user_agent: str = "my-service/1.0"

    @classmethod
    def from_env(cls: type[Self]) -> Self:
        from os import environ
        return cls.model_validate(
            {
                "base_url": environ["MY_SERVICE_BASE_URL"],
                "api_key": environ["MY_SERVICE_API_KEY"],
            },
        )


class ServiceClient:
    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self._http = httpx.AsyncClient(
            base_url=config.base_url,
            headers={
                "User-Agent": config.user_agent,
                "Authorization": (
                    f"Bearer {config.api_key.get_secret_value()}"
                ),
            },
            timeout=config.timeout,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._http.aclose()


logger = logging.getLogger("my_service.client")


async def log_request(request: httpx.Request) -> None:
    logger.info(
        "request.send",
        extra={"method": request.method, "url": str(request.url)},
    )


async def log_response(response: httpx.Response) -> None:
    logger.info(
        "request.recv",
        extra={
            "status": response.status_code,
            "request_id": response.headers.get("x-request-id"),
            "elapsed_ms": int(response.elapsed.total_seconds() * 1000),
        },
    )


class OpenAISettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OPENAI_",
        env_file=".env",
        extra="forbid",
        validate_default=True,
    )

    api_key: SecretStr
    base_url: str = "https://api.openai.com/v1"
    max_retries: int = 3


client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
"#;

    #[test]
    fn the_policy_examples_break_only_what_the_policy_rejects() {
        let selection = RuleSelection {
            select: Some(vec!["WL6".parse().unwrap(), "WL7".parse().unwrap()]),
            preview: true,
            ..Default::default()
        };
        let settings = LinterSettings {
            rules: selection.resolve(),
            ..LinterSettings::default()
        };
        let found: Vec<(usize, &str)> = crate::lint_source(POLICY_EXAMPLES, &settings)
            .iter()
            .map(|diagnostic| (diagnostic.location.row, diagnostic.rule.code()))
            .collect();
        // `OpenAISettings` forbids extra fields but is not frozen (WL703);
        // the anti-pattern reads the environment at import time (WL701).
        assert_eq!(found, vec![(80, "WL703"), (93, "WL701")]);
    }
}
