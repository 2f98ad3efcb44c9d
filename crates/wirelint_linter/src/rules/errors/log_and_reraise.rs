//! # log-and-reraise (WL405)
//!
//! ## What it does
//! Flags a logging call in an `except` handler (`logger.*`, `logging.*`,
//! `log.*`) that is followed, on the same path, by a re-raise of the
//! failure:
//! - `raise` (bare) or `raise e`, `e` being the caught error;
//! - `raise Something(...) from e` (or from any cause but `None`): the new
//!   error carries the caught one, so whoever handles it sees, and logs,
//!   the same failure again.
//!
//! Not flagged:
//! - `raise Something(...) from None` and `raise Something(...)` without
//!   `from`: the handler translates the error (with `from None`, hiding the
//!   original, so this log is its only record);
//! - `debug`/`trace` calls (and `log(logging.DEBUG, ...)`): tracing, not an
//!   error record;
//! - a logging call in a conditional block (`if`, loop, nested `try`) that
//!   the raise is not in, or after the raise;
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

use ruff_python_ast::{ExceptHandlerExceptHandler, Expr, ExprCall, Stmt, StmtRaise};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::ScopeKind;
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
        stmt: Some(check_stmt),
        call: Some(check_call),
        leave_handler: Some(leave_handler),
        ..Hooks::NONE
    },
};

/// Logger methods that trace rather than record an error.
const TRACING_METHODS: &[&str] = &["debug", "trace"];

/// What the rule knows about one open `except` handler.
#[derive(Debug, Default)]
struct HandlerLog {
    /// Error-level logging calls made directly in the handler, with their
    /// callees.
    log_calls: Vec<(TextRange, TextRange)>,
    /// Bodies of conditional blocks inside the handler: a logging call in
    /// one of them does not happen on every path.
    conditional_blocks: Vec<TextRange>,
    /// The handler was already reported.
    reported: bool,
}

/// The open handlers' logs, by the handler's start offset.
type HandlerLogs = FxHashMap<TextSize, HandlerLog>;

/// The log of the innermost open handler, if the traversal is in one.
fn innermost_log<'c>(checker: &'c mut Checker) -> Option<&'c mut HandlerLog> {
    let handler = checker.semantic.statements.innermost_handler()?;
    let logs = checker
        .rule_states
        .get_mut::<HandlerLogs>(Rule::LogAndReraise);
    Some(logs.entry(handler.start()).or_default())
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Raise(raise) => check_raise(checker, raise),
        Stmt::If(_) | Stmt::For(_) | Stmt::While(_) | Stmt::Try(_) | Stmt::Match(_) => {
            note_compound(checker, stmt);
        }
        _ => {}
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if checker.semantic.statements.in_handler() {
        note_call(checker, call);
    }
}

fn leave_handler(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
    checker
        .rule_states
        .get_mut::<HandlerLogs>(Rule::LogAndReraise)
        .remove(&handler.start());
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
    if let Some(log) = innermost_log(checker) {
        log.log_calls.push((call.range(), call.func.range()));
    }
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

/// Records the bodies of a compound statement's conditional blocks.
fn note_compound(checker: &mut Checker, stmt: &Stmt) {
    let Some(log) = innermost_log(checker) else {
        return;
    };
    let mut blocks: Vec<&[Stmt]> = Vec::new();
    match stmt {
        Stmt::If(stmt_if) => {
            blocks.push(&stmt_if.body);
            blocks.extend(
                stmt_if
                    .elif_else_clauses
                    .iter()
                    .map(|clause| &clause.body[..]),
            );
        }
        Stmt::For(stmt_for) => blocks.extend([&stmt_for.body[..], &stmt_for.orelse[..]]),
        Stmt::While(stmt_while) => blocks.extend([&stmt_while.body[..], &stmt_while.orelse[..]]),
        Stmt::Try(stmt_try) => {
            blocks.extend([&stmt_try.body[..], &stmt_try.orelse[..]]);
            for handler in &stmt_try.handlers {
                let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                blocks.push(&handler.body);
            }
        }
        Stmt::Match(stmt_match) => {
            blocks.extend(stmt_match.cases.iter().map(|case| &case.body[..]));
        }
        _ => {}
    }
    log.conditional_blocks
        .extend(blocks.into_iter().filter_map(body_range));
}

fn body_range(body: &[Stmt]) -> Option<TextRange> {
    Some(TextRange::new(body.first()?.start(), body.last()?.end()))
}

fn check_raise(checker: &mut Checker, raise: &StmtRaise) {
    let Some(handler) = checker.semantic.statements.innermost_handler() else {
        return;
    };
    let caught_name = handler
        .name
        .as_ref()
        .map(ruff_python_ast::Identifier::as_str);
    let reraises = reraises(raise, caught_name);
    let Some(log) = innermost_log(checker) else {
        return;
    };
    if log.reported || !reraises {
        return;
    }
    let at = raise.start();
    let blocks = &log.conditional_blocks;
    let Some((log_call, callee)) = log
        .log_calls
        .iter()
        .copied()
        .find(|(log_call, _)| log_call.end() <= at && on_path_to(*log_call, at, blocks))
    else {
        return;
    };
    log.reported = true;
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

/// `raise`, `raise e`, `raise X from <cause>` (cause not `None`).
fn reraises(raise: &StmtRaise, caught_name: Option<&str>) -> bool {
    let Some(raised) = raise.exc.as_deref() else {
        return true;
    };
    let raises_caught = raised
        .as_name_expr()
        .is_some_and(|name| Some(name.id.as_str()) == caught_name);
    let chains = raise
        .cause
        .as_deref()
        .is_some_and(|cause| !cause.is_none_literal_expr());
    raises_caught || chains
}

/// Whether every path to `at` passes `log_call`: no conditional block holds
/// the logging call without also holding `at`.
fn on_path_to(log_call: TextRange, at: TextSize, blocks: &[TextRange]) -> bool {
    blocks
        .iter()
        .all(|block| !block.contains_range(log_call) || block.contains(at))
}
