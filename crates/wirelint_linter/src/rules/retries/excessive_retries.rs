//! # excessive-retries (WL308)
//!
//! ## What it does
//! Flags a retry count above the configured cap (`max-retries`, default 5),
//! or an infinite one (`math.inf`, `float("inf")`, `sys.maxsize`):
//! - `max_retries=` passed to a client constructor, a client call
//!   (`client.with_options(max_retries=...)`) or a network-library call
//!   (`requests.adapters.HTTPAdapter(max_retries=...)`);
//! - tenacity `stop_after_attempt(N)`, which counts the first try too: it
//!   allows N − 1 retries;
//! - urllib3 `Retry(total=N)` (or `Retry(N)`).
//!
//! Counts are compared to the cap as written: a literal, or a module
//! constant bound once to one. A count read from settings is not flagged.
//!
//! No fix: lowering the count changes behaviour.
//!
//! ## Why is this bad?
//! Each retry multiplies the load an outage puts on the upstream and the time
//! a caller waits before it sees the error. A few attempts with exponential,
//! jittered back-off ride out transient failures; more only prolong the
//! failure. SDK defaults are 2 (OpenAI) or 3 (Anthropic).
//!
//! ## Example
//! ```python
//! client = OpenAI(max_retries=10)
//! retry = Retry(total=math.inf, backoff_factor=0.5)
//! ```
//!
//! ## Use instead
//! ```python
//! client = OpenAI(max_retries=3)
//! retry = Retry(total=3, backoff_factor=0.5)
//! ```
//!
//! ## Options
//! - `max-retries` (default 5): the highest retry count allowed.
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (cap attempts)

use ruff_python_ast::{ArgOrKeyword, Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::retry::{RetryApi, RetryCount};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL308",
    name: "excessive-retries",
    family: Family::Retries,
    status: Status::Stable,
    summary: "A retry count above the configured cap, or infinite.",
    boundary: false,
    markers: &[Marker::NetworkImport, Marker::Word("tenacity")],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    let (api, helper) = checker.semantic.retry_call(call, target);
    let helper = helper.as_deref();
    if target.is_some()
        && let Some(keyword) = call.arguments.find_keyword("max_retries")
    {
        let label = snippet(checker, keyword.range());
        check_count(
            checker,
            &keyword.value,
            keyword.range(),
            &label,
            Counts::Retries,
        );
    }
    if api == Some(RetryApi::Urllib3Retry)
        && let Some(total) = call.arguments.find_argument("total", 0)
    {
        let label = match total {
            ArgOrKeyword::Keyword(keyword) => snippet(checker, keyword.range()),
            ArgOrKeyword::Arg(argument) => format!("total={}", snippet(checker, argument.range())),
        };
        check_count(
            checker,
            total.value(),
            total.range(),
            &label,
            Counts::Retries,
        );
    } else if helper == Some("stop_after_attempt")
        && let Some(attempts) = call.arguments.find_argument_value("max_attempt_number", 0)
    {
        let label = snippet(checker, call.range());
        check_count(checker, attempts, call.range(), &label, Counts::Attempts);
    }
}

/// What a count counts: `stop_after_attempt(N)` includes the first try.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Counts {
    Retries,
    Attempts,
}

/// Reports `value` when the retries it allows are above the cap; `label`
/// is how the message quotes it.
fn check_count(checker: &mut Checker, value: &Expr, range: TextRange, label: &str, counts: Counts) {
    let cap = u64::from(checker.settings.max_retries);
    let problem = match checker.semantic.retry_count(value) {
        Some(RetryCount::Infinite) => "retries without end".to_string(),
        Some(RetryCount::Finite(count)) => {
            let retries = match counts {
                Counts::Retries => count,
                Counts::Attempts => count.saturating_sub(1),
            };
            if retries <= cap {
                return;
            }
            format!("allows {retries} retries, above the cap of {cap}")
        }
        None => return,
    };
    let advice = match counts {
        Counts::Retries => format!("retry at most {cap} times"),
        Counts::Attempts => format!("stop after at most {} attempts", cap + 1),
    };
    let message = format!("`{label}` {problem}: {advice} (the `max-retries` setting)");
    let diagnostic = checker
        .locator
        .diagnostic(Rule::ExcessiveRetries, message, range);
    checker.report(diagnostic);
}
