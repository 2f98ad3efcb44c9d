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
    HookKindMismatch,
    BlockingCallInAsync,
    UnboundedGather,
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
