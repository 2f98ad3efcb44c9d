//! The rule registry: the single table that says, for every rule, its code,
//! name, family, status, one-line summary and the file whose doc comment is
//! its user documentation. Everything else (selection, `wirelint rule`, the
//! README table, SARIF rule metadata, the Python `rules()` list) reads it.

use std::fmt;

/// Every rule wirelint knows. The discriminant indexes [`RULES`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    SyntaxError,
    UnreadableFile,
    UnusedNoqa,
    ClientAtImportTime,
    LazyGlobalClient,
    ImplicitModuleClient,
    UnclosedClient,
    ClientInLoop,
    ScalarTimeout,
    TimeoutWithoutPool,
    MissingTimeout,
    TimeoutDisabled,
    UnboundedRetryLoop,
    RetryWithoutJitter,
    RetryWithoutStop,
    RetryOnClientError,
    RetryEverything,
    RetriedWriteWithoutIdempotencyKey,
    IdempotencyKeyPerAttempt,
    ExcessiveRetries,
    VanillaErrorAtBoundary,
    ErrorContextDropped,
    MultipleErrorRoots,
    ErrorMissingContext,
    LogAndReraise,
    SwallowedValidationError,
    StreamOutsideContext,
    StreamMethodOutsideContext,
    StreamEscapesContext,
    SecretAsPlainStr,
    LoggedHeaders,
    LoggedSecret,
    HardcodedCredential,
    SecretUnwrappedEarly,
    EnvAtImportTime,
    SettingsAtImportTime,
    MutableConfigModel,
    ScalarTimeoutSetting,
    MixedOverrideStyles,
    HookKindMismatch,
    BlockingCallInAsync,
    UnboundedGather,
    ManualJsonValidation,
    HandRolledToolSchema,
    UncheckedRefusal,
    OffsetPagination,
    MaterializedPages,
}

/// A group of rules sharing a code prefix (`WL2` is timeouts).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Internal,
    Lifecycle,
    Timeouts,
    Retries,
    Errors,
    Streaming,
    Secrets,
    Configuration,
    Async,
    StructuredOutputs,
}

impl Family {
    pub const fn title(self) -> &'static str {
        match self {
            Family::Internal => "parse errors and internals",
            Family::Lifecycle => "client lifecycle",
            Family::Timeouts => "timeouts",
            Family::Retries => "retries",
            Family::Errors => "errors",
            Family::Streaming => "streaming",
            Family::Secrets => "secrets and logging",
            Family::Configuration => "configuration",
            Family::Async => "async and observability",
            Family::StructuredOutputs => "structured outputs and pagination",
        }
    }

    /// The code prefix shared by the family's rules, e.g. `WL2`.
    pub const fn prefix(self) -> &'static str {
        match self {
            Family::Internal => "WL0",
            Family::Lifecycle => "WL1",
            Family::Timeouts => "WL2",
            Family::Retries => "WL3",
            Family::Errors => "WL4",
            Family::Streaming => "WL5",
            Family::Secrets => "WL6",
            Family::Configuration => "WL7",
            Family::Async => "WL8",
            Family::StructuredOutputs => "WL9",
        }
    }
}

/// Whether a rule runs by default.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Runs by default.
    Stable,
    /// Runs only with `--preview` / `preview = true`.
    Preview,
    /// Always reported, cannot be deselected (syntax and read errors).
    Always,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
            Status::Always => "always",
        }
    }
}

/// One row of the registry.
#[derive(Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub status: Status,
    /// Fires only in network modules (RULES.md's *boundary*).
    pub boundary: bool,
    pub summary: &'static str,
    /// Path below `src/` of the file whose `//!` comment documents the rule.
    pub source_file: &'static str,
}

/// The registry, in code order. `RULES[rule as usize].rule == rule`.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        rule: Rule::SyntaxError,
        code: "WL001",
        name: "syntax-error",
        family: Family::Internal,
        status: Status::Always,
        boundary: false,
        summary: "The file does not parse; reported with the parser's message and location.",
        source_file: "rules/internal/syntax_error.rs",
    },
    RuleInfo {
        rule: Rule::UnreadableFile,
        code: "WL002",
        name: "unreadable-file",
        family: Family::Internal,
        status: Status::Always,
        boundary: false,
        summary: "The file cannot be read or decoded as UTF-8.",
        source_file: "rules/internal/unreadable_file.rs",
    },
    RuleInfo {
        rule: Rule::UnusedNoqa,
        code: "WL003",
        name: "unused-noqa",
        family: Family::Internal,
        status: Status::Preview,
        boundary: false,
        summary: "A `# noqa` directive that suppresses nothing.",
        source_file: "rules/internal/unused_noqa.rs",
    },
    RuleInfo {
        rule: Rule::ClientAtImportTime,
        code: "WL101",
        name: "client-at-import-time",
        family: Family::Lifecycle,
        status: Status::Stable,
        boundary: false,
        summary: "A network client is constructed at import time.",
        source_file: "rules/lifecycle/client_at_import_time.rs",
    },
    RuleInfo {
        rule: Rule::LazyGlobalClient,
        code: "WL102",
        name: "lazy-global-client",
        family: Family::Lifecycle,
        status: Status::Stable,
        boundary: false,
        summary: "A function lazily creates a client into a module global or a cache.",
        source_file: "rules/lifecycle/lazy_global_client.rs",
    },
    RuleInfo {
        rule: Rule::ImplicitModuleClient,
        code: "WL103",
        name: "implicit-module-client",
        family: Family::Lifecycle,
        status: Status::Stable,
        boundary: false,
        summary: "A function reaches for a module-level client instead of taking it as a parameter.",
        source_file: "rules/lifecycle/implicit_module_client.rs",
    },
    RuleInfo {
        rule: Rule::UnclosedClient,
        code: "WL104",
        name: "unclosed-client",
        family: Family::Lifecycle,
        status: Status::Stable,
        boundary: false,
        summary: "A client built in a function is never closed, returned or handed on.",
        source_file: "rules/lifecycle/unclosed_client.rs",
    },
    RuleInfo {
        rule: Rule::ClientInLoop,
        code: "WL105",
        name: "client-in-loop",
        family: Family::Lifecycle,
        status: Status::Stable,
        boundary: false,
        summary: "A client or a convenience call builds a new connection pool on every iteration.",
        source_file: "rules/lifecycle/client_in_loop.rs",
    },
    RuleInfo {
        rule: Rule::ScalarTimeout,
        code: "WL201",
        name: "scalar-timeout",
        family: Family::Timeouts,
        status: Status::Stable,
        boundary: false,
        summary: "A single-number timeout hides which budget (connect, read, write, pool) tripped.",
        source_file: "rules/timeouts/scalar_timeout.rs",
    },
    RuleInfo {
        rule: Rule::TimeoutWithoutPool,
        code: "WL202",
        name: "timeout-without-pool",
        family: Family::Timeouts,
        status: Status::Preview,
        boundary: false,
        summary: "`httpx.Timeout(...)` sets phases but leaves the pool timeout implicit.",
        source_file: "rules/timeouts/timeout_without_pool.rs",
    },
    RuleInfo {
        rule: Rule::MissingTimeout,
        code: "WL203",
        name: "missing-timeout",
        family: Family::Timeouts,
        status: Status::Stable,
        boundary: false,
        summary: "A network call with no timeout can block forever.",
        source_file: "rules/timeouts/missing_timeout.rs",
    },
    RuleInfo {
        rule: Rule::TimeoutDisabled,
        code: "WL204",
        name: "timeout-disabled",
        family: Family::Timeouts,
        status: Status::Stable,
        boundary: false,
        summary: "`timeout=None` disables the timeout: the call can wait forever.",
        source_file: "rules/timeouts/timeout_disabled.rs",
    },
    RuleInfo {
        rule: Rule::UnboundedRetryLoop,
        code: "WL301",
        name: "unbounded-retry-loop",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "A retry loop has no bound on its attempts.",
        source_file: "rules/retries/unbounded_retry_loop.rs",
    },
    RuleInfo {
        rule: Rule::RetryWithoutJitter,
        code: "WL302",
        name: "retry-without-jitter",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "A retry backs off with no random component, or not at all.",
        source_file: "rules/retries/retry_without_jitter.rs",
    },
    RuleInfo {
        rule: Rule::RetryWithoutStop,
        code: "WL303",
        name: "retry-without-stop",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "A retry decorator or policy never stops retrying.",
        source_file: "rules/retries/retry_without_stop.rs",
    },
    RuleInfo {
        rule: Rule::RetryOnClientError,
        code: "WL304",
        name: "retry-on-client-error",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "A retry classification includes a non-retryable 4xx status.",
        source_file: "rules/retries/retry_on_client_error.rs",
    },
    RuleInfo {
        rule: Rule::RetryEverything,
        code: "WL305",
        name: "retry-everything",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "A retry fires on any exception, bugs included.",
        source_file: "rules/retries/retry_everything.rs",
    },
    RuleInfo {
        rule: Rule::RetriedWriteWithoutIdempotencyKey,
        code: "WL306",
        name: "retried-write-without-idempotency-key",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "A retried POST/PATCH/create sends no idempotency key.",
        source_file: "rules/retries/retried_write_without_idempotency_key.rs",
    },
    RuleInfo {
        rule: Rule::IdempotencyKeyPerAttempt,
        code: "WL307",
        name: "idempotency-key-per-attempt",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "An idempotency key is generated on every attempt instead of once.",
        source_file: "rules/retries/idempotency_key_per_attempt.rs",
    },
    RuleInfo {
        rule: Rule::ExcessiveRetries,
        code: "WL308",
        name: "excessive-retries",
        family: Family::Retries,
        status: Status::Stable,
        boundary: false,
        summary: "A retry count above the configured cap, or infinite.",
        source_file: "rules/retries/excessive_retries.rs",
    },
    RuleInfo {
        rule: Rule::VanillaErrorAtBoundary,
        code: "WL401",
        name: "vanilla-error-at-boundary",
        family: Family::Errors,
        status: Status::Stable,
        boundary: true,
        summary: "A bare `RuntimeError` / `Exception` raised in a network module carries no context.",
        source_file: "rules/errors/vanilla_error_at_boundary.rs",
    },
    RuleInfo {
        rule: Rule::ErrorContextDropped,
        code: "WL402",
        name: "error-context-dropped",
        family: Family::Errors,
        status: Status::Stable,
        boundary: false,
        summary: "A network error is converted into a builtin exception, losing status, request id and headers.",
        source_file: "rules/errors/error_context_dropped.rs",
    },
    RuleInfo {
        rule: Rule::MultipleErrorRoots,
        code: "WL403",
        name: "multiple-error-roots",
        family: Family::Errors,
        status: Status::Stable,
        boundary: true,
        summary: "A network module defines more than one exception class deriving from `Exception`.",
        source_file: "rules/errors/multiple_error_roots.rs",
    },
    RuleInfo {
        rule: Rule::ErrorMissingContext,
        code: "WL404",
        name: "error-missing-context",
        family: Family::Errors,
        status: Status::Preview,
        boundary: true,
        summary: "The base error class does not store message, status, request id and headers.",
        source_file: "rules/errors/error_missing_context.rs",
    },
    RuleInfo {
        rule: Rule::LogAndReraise,
        code: "WL405",
        name: "log-and-reraise",
        family: Family::Errors,
        status: Status::Stable,
        boundary: false,
        summary: "An `except` handler logs the error and then re-raises it.",
        source_file: "rules/errors/log_and_reraise.rs",
    },
    RuleInfo {
        rule: Rule::SwallowedValidationError,
        code: "WL406",
        name: "swallowed-validation-error",
        family: Family::Errors,
        status: Status::Stable,
        boundary: false,
        summary: "A pydantic `ValidationError` is caught and dropped.",
        source_file: "rules/errors/swallowed_validation_error.rs",
    },
    RuleInfo {
        rule: Rule::StreamOutsideContext,
        code: "WL501",
        name: "stream-outside-context",
        family: Family::Streaming,
        status: Status::Stable,
        boundary: false,
        summary: "A `stream=True` request is not opened with `with` / `async with`.",
        source_file: "rules/streaming/stream_outside_context.rs",
    },
    RuleInfo {
        rule: Rule::StreamMethodOutsideContext,
        code: "WL502",
        name: "stream-method-outside-context",
        family: Family::Streaming,
        status: Status::Stable,
        boundary: false,
        summary: "A streaming method (`client.stream`, `messages.stream`, aiohttp requests) used without `with`.",
        source_file: "rules/streaming/stream_method_outside_context.rs",
    },
    RuleInfo {
        rule: Rule::StreamEscapesContext,
        code: "WL503",
        name: "stream-escapes-context",
        family: Family::Streaming,
        status: Status::Stable,
        boundary: false,
        summary: "A streaming `with` target is returned, stored or collected inside its block.",
        source_file: "rules/streaming/stream_escapes_context.rs",
    },
    RuleInfo {
        rule: Rule::SecretAsPlainStr,
        code: "WL601",
        name: "secret-as-plain-str",
        family: Family::Secrets,
        status: Status::Stable,
        boundary: false,
        summary: "A secret-named model field is a plain `str`; use `SecretStr`.",
        source_file: "rules/secrets/secret_as_plain_str.rs",
    },
    RuleInfo {
        rule: Rule::LoggedHeaders,
        code: "WL602",
        name: "logged-headers",
        family: Family::Secrets,
        status: Status::Stable,
        boundary: false,
        summary: "A logging call writes a whole headers mapping, credentials included.",
        source_file: "rules/secrets/logged_headers.rs",
    },
    RuleInfo {
        rule: Rule::LoggedSecret,
        code: "WL603",
        name: "logged-secret",
        family: Family::Secrets,
        status: Status::Stable,
        boundary: false,
        summary: "A logging call or `print` writes a secret's value.",
        source_file: "rules/secrets/logged_secret.rs",
    },
    RuleInfo {
        rule: Rule::HardcodedCredential,
        code: "WL604",
        name: "hardcoded-credential",
        family: Family::Secrets,
        status: Status::Stable,
        boundary: false,
        summary: "A credential is written into the source as a string literal.",
        source_file: "rules/secrets/hardcoded_credential.rs",
    },
    RuleInfo {
        rule: Rule::SecretUnwrappedEarly,
        code: "WL605",
        name: "secret-unwrapped-early",
        family: Family::Secrets,
        status: Status::Preview,
        boundary: false,
        summary: "`.get_secret_value()` is stored instead of used where the secret is injected.",
        source_file: "rules/secrets/secret_unwrapped_early.rs",
    },
    RuleInfo {
        rule: Rule::EnvAtImportTime,
        code: "WL701",
        name: "env-at-import-time",
        family: Family::Configuration,
        status: Status::Stable,
        boundary: false,
        summary: "The environment is read at import time.",
        source_file: "rules/configuration/env_at_import_time.rs",
    },
    RuleInfo {
        rule: Rule::SettingsAtImportTime,
        code: "WL702",
        name: "settings-at-import-time",
        family: Family::Configuration,
        status: Status::Stable,
        boundary: false,
        summary: "Settings are loaded from the environment at import time.",
        source_file: "rules/configuration/settings_at_import_time.rs",
    },
    RuleInfo {
        rule: Rule::MutableConfigModel,
        code: "WL703",
        name: "mutable-config-model",
        family: Family::Configuration,
        status: Status::Stable,
        boundary: false,
        summary: "A client configuration model is not both frozen and closed to extra fields.",
        source_file: "rules/configuration/mutable_config_model.rs",
    },
    RuleInfo {
        rule: Rule::ScalarTimeoutSetting,
        code: "WL704",
        name: "scalar-timeout-setting",
        family: Family::Configuration,
        status: Status::Stable,
        boundary: false,
        summary: "A `timeout` setting is typed as a single number.",
        source_file: "rules/configuration/scalar_timeout_setting.rs",
    },
    RuleInfo {
        rule: Rule::MixedOverrideStyles,
        code: "WL705",
        name: "mixed-override-styles",
        family: Family::Configuration,
        status: Status::Stable,
        boundary: false,
        summary: "A class offers both `with_options()` and an `options` mapping parameter.",
        source_file: "rules/configuration/mixed_override_styles.rs",
    },
    RuleInfo {
        rule: Rule::HookKindMismatch,
        code: "WL801",
        name: "hook-kind-mismatch",
        family: Family::Async,
        status: Status::Stable,
        boundary: false,
        summary: "An httpx event hook's kind (sync or async) does not match its client.",
        source_file: "rules/concurrency/hook_kind_mismatch.rs",
    },
    RuleInfo {
        rule: Rule::BlockingCallInAsync,
        code: "WL802",
        name: "blocking-call-in-async",
        family: Family::Async,
        status: Status::Stable,
        boundary: false,
        summary: "A blocking network call or `time.sleep` inside `async def`.",
        source_file: "rules/concurrency/blocking_call_in_async.rs",
    },
    RuleInfo {
        rule: Rule::UnboundedGather,
        code: "WL803",
        name: "unbounded-gather",
        family: Family::Async,
        status: Status::Preview,
        boundary: false,
        summary: "A fan-out of client calls over unbounded input with no concurrency limit.",
        source_file: "rules/concurrency/unbounded_gather.rs",
    },
    RuleInfo {
        rule: Rule::ManualJsonValidation,
        code: "WL901",
        name: "manual-json-validation",
        family: Family::StructuredOutputs,
        status: Status::Stable,
        boundary: false,
        summary: "JSON parsed with `json.loads` and then validated, instead of validated as JSON.",
        source_file: "rules/structured_outputs/manual_json_validation.rs",
    },
    RuleInfo {
        rule: Rule::HandRolledToolSchema,
        code: "WL902",
        name: "hand-rolled-tool-schema",
        family: Family::StructuredOutputs,
        status: Status::Stable,
        boundary: false,
        summary: "A tool definition with a hand-written JSON schema instead of one derived from a model.",
        source_file: "rules/structured_outputs/hand_rolled_tool_schema.rs",
    },
    RuleInfo {
        rule: Rule::UncheckedRefusal,
        code: "WL903",
        name: "unchecked-refusal",
        family: Family::StructuredOutputs,
        status: Status::Stable,
        boundary: false,
        summary: "A structured output's `.parsed` is used without handling a refusal.",
        source_file: "rules/structured_outputs/unchecked_refusal.rs",
    },
    RuleInfo {
        rule: Rule::OffsetPagination,
        code: "WL904",
        name: "offset-pagination",
        family: Family::StructuredOutputs,
        status: Status::Preview,
        boundary: false,
        summary: "A loop pages through results by advancing an offset or page counter.",
        source_file: "rules/structured_outputs/offset_pagination.rs",
    },
    RuleInfo {
        rule: Rule::MaterializedPages,
        code: "WL905",
        name: "materialized-pages",
        family: Family::StructuredOutputs,
        status: Status::Preview,
        boundary: false,
        summary: "A function collects every page into one list instead of yielding items.",
        source_file: "rules/structured_outputs/materialized_pages.rs",
    },
];

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }
    pub fn code(self) -> &'static str {
        self.info().code
    }
    pub fn name(self) -> &'static str {
        self.info().name
    }
    pub fn family(self) -> Family {
        self.info().family
    }
    pub fn status(self) -> Status {
        self.info().status
    }
    pub fn summary(self) -> &'static str {
        self.info().summary
    }
    /// The rule's user documentation: its source file's `//!` comment.
    pub fn docs(self) -> &'static str {
        rule_doc_for_file(self.info().source_file)
    }
    /// Every rule, in code order.
    pub fn all() -> impl Iterator<Item = Rule> {
        RULES.iter().map(|info| info.rule)
    }
    /// Looks a rule up by its exact code (case-insensitive).
    pub fn from_code(code: &str) -> Option<Rule> {
        RULES
            .iter()
            .find(|info| info.code.eq_ignore_ascii_case(code))
            .map(|info| info.rule)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_indexed_by_discriminant() {
        for (index, info) in RULES.iter().enumerate() {
            assert_eq!(info.rule as usize, index, "{} is out of place", info.code);
        }
    }

    #[test]
    fn codes_and_names_are_unique_and_sorted() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        let mut names: Vec<_> = RULES.iter().map(|info| info.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn every_code_starts_with_its_family_prefix() {
        for info in RULES {
            assert!(info.code.starts_with(info.family.prefix()), "{}", info.code);
        }
    }

    #[test]
    fn every_rule_has_documentation_in_the_agreed_shape() {
        for rule in Rule::all() {
            let docs = rule.docs();
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    docs.contains(heading),
                    "{} docs lack {heading:?}",
                    rule.code()
                );
            }
        }
    }

    #[test]
    fn from_code_is_case_insensitive_and_exact() {
        assert_eq!(Rule::from_code("wl201"), Some(Rule::ScalarTimeout));
        assert_eq!(Rule::from_code("WL20"), None);
    }
}
