//! # error-context-dropped (WL402)
//!
//! ## What it does
//! Flags, inside `except <network error>`, a `raise` of a builtin exception
//! (`RuntimeError`, `Exception`, `ValueError`, `OSError`, `ConnectionError`,
//! ...), even with `from e`. Network errors are `httpx.HTTPError`,
//! `requests.RequestException`, `openai.APIError` (and `OpenAIError`),
//! `anthropic.APIError` (and `AnthropicError`), `stripe.StripeError`, their
//! subclasses, classes of the module deriving from them, and the classes
//! listed in `extend-error-classes`. A tuple handler counts when any of its
//! classes is a network error.
//!
//! Only the innermost handler counts: a raise inside a nested
//! `except KeyError:` is about the `KeyError`. Raising `SystemExit`,
//! `KeyboardInterrupt`, `StopIteration` or `StopAsyncIteration` is not an
//! error report and is not flagged.
//!
//! ## Why is this bad?
//! The caught error knows the response's status, request id and headers.
//! Converting it into a builtin throws them away: `from e` keeps them only
//! in a traceback, where no caller's `except` clause can reach them. Wrap it
//! into the project's error type, copying the fields, or let it propagate.
//!
//! ## Example
//! ```python
//! try:
//!     response = client.get(url)
//!     response.raise_for_status()
//! except httpx.HTTPStatusError as error:
//!     raise RuntimeError(f"request failed: {error}") from error
//! ```
//!
//! ## Use instead
//! ```python
//! try:
//!     response = client.get(url)
//!     response.raise_for_status()
//! except httpx.HTTPStatusError as error:
//!     raise ServiceError(
//!         str(error),
//!         status=error.response.status_code,
//!         request_id=error.response.headers.get("x-request-id"),
//!         headers=error.response.headers,
//!     ) from error
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Anti-Patterns" (catching the SDK's base
//!   exception, then re-raising `RuntimeError`)

use ruff_python_ast::{Stmt, StmtRaise};
use ruff_text_size::Ranged;

use super::innermost_network_error;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::exceptions::is_error_reporting_builtin;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL402",
    name: "error-context-dropped",
    family: Family::Errors,
    status: Status::Stable,
    summary: "A network error is converted into a builtin exception, losing status, request id and headers.",
    boundary: false,
    markers: &[Marker::NetworkImport, Marker::ErrorClass],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_stmt),
        ..Hooks::NONE
    },
};

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::Raise(raise) = stmt {
        check(checker, raise);
    }
}

fn check(checker: &mut Checker, raise: &StmtRaise) {
    let Some(caught) = innermost_network_error(checker) else {
        return;
    };
    let Some(raised) = raise.exc.as_deref() else {
        return;
    };
    let Some(builtin) = checker.semantic.raised_builtin(raised) else {
        return;
    };
    if !is_error_reporting_builtin(builtin) {
        return;
    }
    let message = format!(
        "`{builtin}` raised inside `except {caught}` drops the status, request id and headers; \
         raise the project's error type carrying them, or let the error propagate"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::ErrorContextDropped, message, raised.range());
    checker.report(diagnostic);
}
