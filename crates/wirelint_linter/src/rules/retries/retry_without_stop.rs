//! # retry-without-stop (WL303)
//!
//! ## What it does
//! Flags retry decorators and policies that never stop:
//! - tenacity `retry` (bare `@retry` included), `Retrying` and
//!   `AsyncRetrying` with no `stop=` (tenacity retries forever by default),
//!   or with `stop=stop_never`;
//! - `backoff.on_exception` / `backoff.on_predicate` with neither
//!   `max_tries` nor `max_time`;
//! - urllib3 `Retry(total=None)` (also `requests.adapters.Retry`) that sets
//!   no per-category count (`connect`, `read`, `status`, `other`) either.
//!
//! Names are resolved through imports: `import tenacity as t`, `from
//! tenacity import retry as r` and `tenacity.retry(...)` are all recognised;
//! a local function called `retry` is not.
//!
//! No fix: choosing a bound changes behaviour.
//!
//! ## Why is this bad?
//! A retry with no stop turns a permanent failure into a hang: the caller
//! never sees the error, and the upstream sees an endless stream of
//! requests.
//!
//! ## Example
//! ```python
//! @retry(wait=wait_random_exponential(max=30))
//! def fetch(client: httpx.Client, url: str) -> httpx.Response: ...
//!
//! @backoff.on_exception(backoff.expo, httpx.TransportError)
//! def send(client: httpx.Client, url: str) -> httpx.Response: ...
//! ```
//!
//! ## Use instead
//! ```python
//! @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=30))
//! def fetch(client: httpx.Client, url: str) -> httpx.Response: ...
//!
//! @backoff.on_exception(backoff.expo, httpx.TransportError, max_tries=3)
//! def send(client: httpx.Client, url: str) -> httpx.Response: ...
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (cap attempts)

use ruff_python_ast::{ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::retries::{bare_tenacity_decorators, visible_retry_api};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::retry::RetryApi;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL303",
    name: "retry-without-stop",
    family: Family::Retries,
    status: Status::Stable,
    summary: "A retry decorator or policy never stops retrying.",
    boundary: false,
    markers: &[
        Marker::NetworkImport,
        Marker::Word("tenacity"),
        Marker::Word("backoff"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_decorators),
        call: Some(check_call),
        ..Hooks::NONE
    },
};

/// urllib3 `Retry` counts that bound a category of errors on their own.
const URLLIB3_CATEGORY_COUNTS: &[&str] = &["connect", "read", "status", "other"];

fn check_decorators(checker: &mut Checker, stmt: &Stmt) {
    for range in bare_tenacity_decorators(checker, stmt) {
        report_missing_stop(checker, range, "@retry");
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(api) = visible_retry_api(checker, call, target) {
        check_retry_call(checker, call, api);
    }
}

fn check_retry_call(checker: &mut Checker, call: &ExprCall, api: RetryApi) {
    let given = |name: &str| {
        call.arguments
            .find_keyword(name)
            .filter(|keyword| !keyword.value.is_none_literal_expr())
    };
    match api {
        RetryApi::TenacityRetry | RetryApi::TenacityRetrying => {
            match call.arguments.find_keyword("stop") {
                None => {
                    let name = format!("{}(...)", snippet(checker, call.func.range()));
                    report_missing_stop(checker, call.range(), &name);
                }
                Some(stop) => {
                    let stop_never = stop
                        .value
                        .as_call_expr()
                        .map_or(&stop.value, |call| call.func.as_ref());
                    if checker.semantic.tenacity_helper(stop_never).as_deref() == Some("stop_never")
                    {
                        let message = "`stop=stop_never` retries forever: stop after a few \
                                       attempts (`stop=stop_after_attempt(3)`)"
                            .to_string();
                        report(checker, message, stop.range());
                    }
                }
            }
        }
        RetryApi::BackoffOnException | RetryApi::BackoffOnPredicate => {
            if given("max_tries").is_none() && given("max_time").is_none() {
                let message = format!(
                    "`{}(...)` sets neither `max_tries` nor `max_time`: it retries forever; \
                     add `max_tries=3`",
                    snippet(checker, call.func.range())
                );
                report(checker, message, call.range());
            }
        }
        RetryApi::Urllib3Retry => {
            let Some(total) = call.arguments.find_keyword("total") else {
                return;
            };
            let bounded_by_category = URLLIB3_CATEGORY_COUNTS
                .iter()
                .any(|name| given(name).is_some());
            if total.value.is_none_literal_expr() && !bounded_by_category {
                let message = "`Retry(total=None)` sets no overall limit and no per-category \
                               count: set `total=3`"
                    .to_string();
                report(checker, message, total.range());
            }
        }
    }
}

/// A tenacity retry with no `stop=`: `name` is how the message shows it.
fn report_missing_stop(checker: &mut Checker, range: TextRange, name: &str) {
    let message = format!(
        "`{name}` has no `stop=`: tenacity retries forever; add \
         `stop=stop_after_attempt(3)`"
    );
    report(checker, message, range);
}

fn report(checker: &mut Checker, message: String, range: TextRange) {
    let diagnostic = checker
        .locator
        .diagnostic(Rule::RetryWithoutStop, message, range);
    checker.report(diagnostic);
}
