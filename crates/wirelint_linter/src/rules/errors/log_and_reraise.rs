//! # log-and-reraise (WL405)
//!
//! ## What it does
//! Flags a logging call in an `except` handler (`logger.*`, `logging.*`,
//! `log.*`) from which every path raises, and one re-raises the failure:
//! - `raise` (bare) or `raise e`, `e` being the caught error;
//! - `raise Something(...) from e` (or from any cause but `None`): the new
//!   error carries the caught one, so whoever handles it sees, and logs,
//!   the same failure again.
//!
//! Not flagged:
//! - a logging call from which some path swallows the error: runs off the
//!   end of the handler, returns, breaks or continues (`logger.error(...)`,
//!   then `if fail_closed: raise`, else go on): on that path the log is the
//!   error's only record;
//! - a handler whose raises all translate the error: `raise Something(...)
//!   from None` and `raise Something(...)` without `from` (with `from None`
//!   hiding the original, so this log is its only record);
//! - `debug`/`trace` calls (and `log(logging.DEBUG, ...)`): tracing, not an
//!   error record;
//! - a logging call inside a loop, a nested `try` or a `match` in the
//!   handler, or after the raise: the model does not follow its paths;
//! - `print`.
//!
//! The diagnostic points at the logging call.
//!
//! ## Why is this bad?
//! Each layer that logs and re-raises writes the same failure to the log
//! again, so one error shows up as three or four, with different messages,
//! and the count of errors in the logs stops meaning anything. Log once, at
//! the boundary that decides what to do (retry, return a fallback, report
//! to the user); let inner code raise.
//!
//! ## Example
//! ```python
//! try:
//!     response = client.get(url)
//! except httpx.HTTPError:
//!     logger.exception("request to %s failed", url)
//!     raise
//! ```
//!
//! ## Use instead
//! ```python
//! response = client.get(url)  # the caller that decides logs the error
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Observability" (errors are logged once)

use ruff_python_ast::{ExceptHandlerExceptHandler, Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::ScopeKind;
use crate::semantic::handlers::raise_paths_after;
use crate::semantic::logging::LoggingCall;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL405",
    name: "log-and-reraise",
    family: Family::Errors,
    status: Status::Stable,
    summary: "An `except` handler logs the error and then re-raises it.",
    boundary: false,
    markers: &[
        Marker::Word("log"),
        Marker::Word("Log"),
        Marker::Word("LOG"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        leave_handler: Some(leave_handler),
        ..Hooks::NONE
    },
};

/// Logger methods that trace rather than record an error.
const TRACING_METHODS: &[&str] = &["debug", "trace"];

/// Error-level logging calls made directly in each open handler (the call
/// and its callee), by the handler's start offset.
type HandlerLogs = FxHashMap<TextSize, Vec<(TextRange, TextRange)>>;

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if checker.semantic.statements.in_handler() {
        note_call(checker, call);
    }
}

/// Reports the first logging call of the handler from which every path
/// raises, one of them re-raising the caught error.
fn leave_handler(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
    let Some(log_calls) = checker
        .rule_states
        .get_mut::<HandlerLogs>(Rule::LogAndReraise)
        .remove(&handler.start())
    else {
        return;
    };
    let Some((log_call, callee)) = log_calls.into_iter().find(|(log_call, _)| {
        let paths = raise_paths_after(handler, log_call.start());
        paths.reraises && !paths.swallows
    }) else {
        return;
    };
    let callee = checker.locator.slice(callee);
    let message = format!(
        "`{callee}(...)` logs an error the handler then re-raises; log once, where the \
         error is handled, and let it propagate from here"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::LogAndReraise, message, log_call);
    checker.report(diagnostic);
}

/// Records an error-level logging call made in the innermost handler.
fn note_call(checker: &mut Checker, call: &ExprCall) {
    // A lambda's body runs later, not in the handler.
    if checker.semantic.current_function() == Some(ScopeKind::Lambda) {
        return;
    }
    if checker.semantic.logging_call(call) != Some(LoggingCall::Logger) || is_tracing(checker, call)
    {
        return;
    }
    let Some(handler) = checker.semantic.statements.innermost_handler() else {
        return;
    };
    let start = handler.start();
    checker
        .rule_states
        .get_mut::<HandlerLogs>(Rule::LogAndReraise)
        .entry(start)
        .or_default()
        .push((call.range(), call.func.range()));
}

/// `logger.debug(...)`, `logging.debug(...)`, `logger.log(logging.DEBUG, ...)`.
fn is_tracing(checker: &Checker, call: &ExprCall) -> bool {
    let method = match call.func.as_ref() {
        Expr::Attribute(attribute) => attribute.attr.to_string(),
        func => match checker.semantic.qualified_name(func) {
            Some(qualified) => qualified.rsplit('.').next().unwrap_or_default().to_string(),
            None => return false,
        },
    };
    if TRACING_METHODS.contains(&method.as_str()) {
        return true;
    }
    method == "log"
        && call.arguments.args.first().is_some_and(|level| {
            checker
                .semantic
                .qualified_name(level)
                .is_some_and(|name| name == "logging.DEBUG")
        })
}
