//! # retry-everything (WL305)
//!
//! ## What it does
//! Flags a retry that fires on any exception:
//! - tenacity `retry_if_exception_type(Exception)` (or `BaseException`, or
//!   no argument at all, whose default is `Exception`);
//! - tenacity `retry` (bare `@retry` included), `Retrying` or
//!   `AsyncRetrying` with no `retry=` predicate: tenacity then retries on
//!   every exception;
//! - `backoff.on_exception(wait_gen, Exception)` (or `BaseException`);
//! - in a retry loop (see WL301), a handler catching `Exception`,
//!   `BaseException` or everything (bare `except:`) that retries
//!   unconditionally: no path through it re-raises.
//!
//! A handler that classifies (`if not is_retryable(error): raise`), or that
//! re-raises after the last attempt, is the recommended shape and is not
//! flagged. Neither is a decorator or policy that allows a single attempt
//! (`max_tries=1`, `stop=stop_after_attempt(1)`): it never retries.
//!
//! No fix: narrowing what is retried changes behaviour.
//!
//! ## Why is this bad?
//! Retrying every exception retries bugs too: a `TypeError`, a `KeyError`
//! while parsing, a 401 from a revoked key. Each is repeated and delayed
//! instead of surfacing at once, and a permanent failure costs the whole
//! retry budget.
//!
//! ## Example
//! ```python
//! for attempt in range(max_attempts):
//!     try:
//!         return await client.get(url)
//!     except Exception:
//!         await asyncio.sleep(random.uniform(0, 2**attempt))
//!
//! @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=30))
//! def fetch(): ...
//! ```
//!
//! ## Use instead
//! ```python
//! for attempt in range(max_attempts):
//!     try:
//!         return await client.get(url)
//!     except Exception as error:
//!         if attempt == max_attempts - 1 or not is_retryable(error):
//!             raise
//!         await asyncio.sleep(random.uniform(0, 2**attempt))
//!
//! @retry(
//!     stop=stop_after_attempt(3),
//!     wait=wait_random_exponential(max=30),
//!     retry=retry_if_exception(is_retryable),
//! )
//! def fetch(): ...
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (classify retryable errors)
//! - `docs/policy.md`, "Anti-Patterns" (retry-everything loops)

use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::retries::{bare_tenacity_decorators, has_opaque_arguments, settled_loops};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::retry::RetryApi;
use crate::semantic::retry_loops::RetryLoop;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL305",
    name: "retry-everything",
    family: Family::Retries,
    status: Status::Stable,
    summary: "A retry fires on any exception, bugs included.",
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
        leave_body: Some(check_loops),
        ..Hooks::NONE
    },
};

fn check_decorators(checker: &mut Checker, stmt: &Stmt) {
    for range in bare_tenacity_decorators(checker, stmt) {
        report_missing_predicate(checker, range, "@retry");
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    let (api, helper) = checker.semantic.retry_call(call, target);
    let Some(api) = api else {
        check_tenacity_predicate(checker, call, helper.as_deref());
        return;
    };
    if !has_opaque_arguments(call) && !checker.semantic.never_retries(call, api) {
        check_retry_call(checker, call, api);
    }
}

fn check_retry_call(checker: &mut Checker, call: &ExprCall, api: RetryApi) {
    match api {
        RetryApi::TenacityRetry | RetryApi::TenacityRetrying => {
            if call.arguments.find_keyword("retry").is_none() {
                let name = format!("{}(...)", snippet(checker, call.func.range()));
                report_missing_predicate(checker, call.range(), &name);
            }
        }
        RetryApi::BackoffOnException => {
            if let Some(exception) = call.arguments.find_argument_value("exception", 1) {
                report_broad_types(checker, exception, "backoff.on_exception");
            }
        }
        RetryApi::BackoffOnPredicate | RetryApi::Urllib3Retry => {}
    }
}

/// `retry_if_exception_type(Exception)` and its no-argument form;
/// `helper` is the tenacity helper the callee names.
fn check_tenacity_predicate(checker: &mut Checker, call: &ExprCall, helper: Option<&str>) {
    if helper != Some("retry_if_exception_type") {
        return;
    }
    match call.arguments.find_argument_value("exception_types", 0) {
        Some(types) => report_broad_types(checker, types, "retry_if_exception_type"),
        None if call.arguments.is_empty() => {
            let message = "`retry_if_exception_type()` retries every `Exception` (its \
                           default): name the transient errors, or classify with \
                           `retry_if_exception(is_retryable)`"
                .to_string();
            report(checker, message, call.range());
        }
        None => {}
    }
}

/// Reports `Exception`/`BaseException` among the types a retry fires on.
fn report_broad_types(checker: &mut Checker, types: &Expr, api: &str) {
    let elements: Vec<&Expr> = match types {
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        other => vec![other],
    };
    for element in elements {
        let Some(name) = broad_exception(checker, element) else {
            continue;
        };
        let message = format!(
            "`{api}` retries on `{name}`, bugs included: name the transient errors, or \
             classify with a predicate (`retry_if_exception(is_retryable)`)"
        );
        report(checker, message, element.range());
    }
}

fn broad_exception<'e>(checker: &Checker, element: &'e Expr) -> Option<&'e str> {
    let name = checker.semantic.builtin_name(element).or_else(|| {
        element
            .as_attribute_expr()
            .filter(|_| {
                checker
                    .semantic
                    .qualified_name(element)
                    .is_some_and(|qualified| qualified.starts_with("builtins."))
            })
            .map(|attribute| attribute.attr.as_str())
    })?;
    matches!(name, "Exception" | "BaseException").then_some(name)
}

/// A tenacity retry with no `retry=`: `name` is how the message shows it.
fn report_missing_predicate(checker: &mut Checker, range: TextRange, name: &str) {
    let message = format!(
        "`{name}` has no `retry=` predicate: tenacity retries every exception; add \
         `retry=retry_if_exception(is_retryable)`"
    );
    report(checker, message, range);
}

/// Judges the retry loops of the body just visited.
fn check_loops(checker: &mut Checker) {
    for retry_loop in settled_loops(checker) {
        check_loop(checker, &retry_loop);
    }
}

fn check_loop(checker: &mut Checker, retry_loop: &RetryLoop) {
    for handler in &retry_loop.handlers {
        if !handler.caught.everything || handler.facts.raises {
            continue;
        }
        let caught = if handler.caught.classes.is_empty() {
            "except:".to_string()
        } else {
            format!("except {}", checker.locator.slice(handler.caught.clause))
        };
        let message = format!(
            "`{caught}` in a retry loop retries every exception, bugs included: re-raise \
             what is not transient (`if not is_retryable(error): raise`)"
        );
        report(checker, message, handler.caught.clause);
    }
}

fn report(checker: &mut Checker, message: String, range: TextRange) {
    let diagnostic = checker
        .locator
        .diagnostic(Rule::RetryEverything, message, range);
    checker.report(diagnostic);
}
