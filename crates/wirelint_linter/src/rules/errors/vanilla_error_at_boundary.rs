//! # vanilla-error-at-boundary (WL401)
//!
//! *Boundary: fires only in network modules.*
//!
//! ## What it does
//! Flags `raise RuntimeError(...)`, `raise Exception(...)` and
//! `raise BaseException(...)` (or the bare class) in a network module (one
//! that imports httpx, requests, an SDK, or another network module) when
//! the raise reports what came back from the service: it follows, in the
//! same function (or the module's top-level code), a call that sends a
//! request (a client's method, `httpx.get`, `requests.post`, ...,
//! `urlopen`) or a read of a response's status (`status_code`,
//! `http_status`, `is_success`, `is_error`, `is_client_error`,
//! `is_server_error`, `raise_for_status`, or a `status` compared with a
//! number). A raise before any of these checks a precondition, the
//! client's own state or its arguments (`"client is closed"`,
//! `"call .prepare() first"`): it reports misuse, and there is no status
//! or request id to lose.
//!
//! Not flagged:
//! - a sentinel whose message says the line cannot run (`unreachable`,
//!   `should never happen`, `should not happen`, `should never be reached`,
//!   `should not be reached`), like the `raise RuntimeError("unreachable")`
//!   after the policy's own retry loop: it marks a programming error, not a
//!   failure of the remote service;
//! - a raise inside `except ImportError` / `except ModuleNotFoundError`: it
//!   reports a missing dependency, not a network failure;
//! - a raise inside a handler of a network error: converting a network
//!   error is `error-context-dropped` (WL402)'s business;
//! - other builtins (`ValueError`, `TypeError`, `NotImplementedError`),
//!   which signal misuse by the caller.
//!
//! ## Why is this bad?
//! Callers of a client catch its errors to decide what to do: retry on a
//! 429, re-authenticate on a 401, report the request id to support. A bare
//! `RuntimeError` carries no status, request id or headers, and callers can
//! only catch it by catching everything.
//!
//! ## Example
//! ```python
//! import httpx
//!
//! def fetch(client: httpx.Client, url: str) -> bytes:
//!     response = client.get(url)
//!     if response.status_code != 200:
//!         raise RuntimeError(f"fetch failed: {response.status_code}")
//!     return response.content
//! ```
//!
//! ## Use instead
//! ```python
//! import httpx
//!
//! def fetch(client: httpx.Client, url: str) -> bytes:
//!     response = client.get(url)
//!     if response.status_code != 200:
//!         raise ServiceError(
//!             "fetch failed",
//!             status=response.status_code,
//!             request_id=response.headers.get("x-request-id"),
//!             headers=response.headers,
//!         )
//!     return response.content
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Non-negotiables" and "Error Hierarchy"

use ruff_python_ast::{Expr, ExprCall, Stmt, StmtRaise};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use super::innermost_catches_network_or_import_error;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::SENDING_FUNCTION_NAMES;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, Library, ScopeId};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL401",
    name: "vanilla-error-at-boundary",
    family: Family::Errors,
    status: Status::Stable,
    summary: "A bare `RuntimeError` / `Exception` raised in a network module carries no context.",
    boundary: true,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_stmt),
        expr: Some(note_status_read),
        call: Some(note_call),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Raises seen so far (the module is known to be a network module only once
/// the whole file has been visited), and the units (functions, or `None` for
/// the module's top-level code) that have talked to the service so far.
#[derive(Debug, Default)]
struct State {
    candidates: Vec<(TextRange, &'static str)>,
    service_units: FxHashSet<Option<ScopeId>>,
}

/// Client methods that send nothing.
const LOCAL_CLIENT_METHODS: &[&str] = &[
    "build_request",
    "close",
    "aclose",
    "with_options",
    "copy",
    "mount",
];

fn state<'c>(checker: &'c mut Checker) -> &'c mut State {
    checker.rule_states.get_mut(Rule::VanillaErrorAtBoundary)
}

/// A call that sends a request marks its unit.
fn note_call(checker: &mut Checker, _call: &ExprCall, target: Option<&CallTarget>) {
    let Some(target) = target else {
        return;
    };
    let sends = match target {
        CallTarget::ClientMethod { method, .. } => !LOCAL_CLIENT_METHODS.contains(method),
        CallTarget::LibraryFunction { library, qualified } => {
            matches!(
                library,
                Library::Httpx | Library::Requests | Library::Urllib3 | Library::Aiohttp
            ) && qualified
                .rsplit('.')
                .next()
                .is_some_and(|function| SENDING_FUNCTION_NAMES.contains(&function))
        }
        CallTarget::Urlopen => true,
        CallTarget::ClientConstructor(_) | CallTarget::HttpConnection => false,
    };
    if sends {
        mark_service_unit(checker);
    }
}

/// Attributes only a response has.
const RESPONSE_STATUS_ATTRIBUTES: &[&str] = &[
    "status_code",
    "http_status",
    "is_success",
    "is_error",
    "is_client_error",
    "is_server_error",
    "raise_for_status",
];

/// Reading a response's status marks its unit: an attribute only a
/// response has, or a `status` compared with a number (`resp.status != 200`;
/// a bare `status` may be any object's state).
fn note_status_read(checker: &mut Checker, expr: &Expr) {
    let reads_status = match expr {
        Expr::Attribute(attribute) => RESPONSE_STATUS_ATTRIBUTES.contains(&attribute.attr.as_str()),
        Expr::Compare(compare) => {
            let mut operands =
                std::iter::once(compare.left.as_ref()).chain(compare.comparators.iter());
            let has_status = operands.clone().any(|operand| {
                operand
                    .as_attribute_expr()
                    .is_some_and(|attribute| attribute.attr.as_str() == "status")
            });
            has_status && operands.any(Expr::is_number_literal_expr)
        }
        _ => false,
    };
    if reads_status {
        mark_service_unit(checker);
    }
}

fn mark_service_unit(checker: &mut Checker) {
    let unit = checker.semantic.current_function_scope();
    state(checker).service_units.insert(unit);
}

/// Words in a message that mark the raise as an "unreachable" sentinel.
const UNREACHABLE_MARKERS: &[&str] = &[
    "unreachable",
    "should never happen",
    "should not happen",
    "should never be reached",
    "should not be reached",
];

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::Raise(raise) = stmt {
        check(checker, raise);
    }
}

fn check(checker: &mut Checker, raise: &StmtRaise) {
    let Some(raised) = raise.exc.as_deref() else {
        return;
    };
    let class = match checker.semantic.raised_builtin(raised) {
        Some("RuntimeError") => "RuntimeError",
        Some("Exception") => "Exception",
        Some("BaseException") => "BaseException",
        _ => return,
    };
    if is_unreachable_sentinel(checker, raised) {
        return;
    }
    if innermost_catches_network_or_import_error(checker) {
        return;
    }
    let unit = checker.semantic.current_function_scope();
    let state = state(checker);
    // Nodes arrive in source order: a unit marked by now talked to the
    // service before this raise.
    if state.service_units.contains(&unit) {
        state.candidates.push((raised.range(), class));
    }
}

/// `RuntimeError("unreachable")`: the first argument's text says the line
/// cannot run.
fn is_unreachable_sentinel(checker: &Checker, raised: &Expr) -> bool {
    let Expr::Call(call) = raised else {
        return false;
    };
    let Some(message) = call.arguments.args.first() else {
        return false;
    };
    if !matches!(message, Expr::StringLiteral(_) | Expr::FString(_)) {
        return false;
    }
    let text = checker.locator.slice(message.range()).to_ascii_lowercase();
    UNREACHABLE_MARKERS
        .iter()
        .any(|marker| text.contains(marker))
}

/// Reports the candidates; the rule is a boundary rule, so the checker keeps
/// the findings only in a network module.
fn finish(checker: &mut Checker) {
    let state: State = checker.rule_states.take(Rule::VanillaErrorAtBoundary);
    for (range, class) in state.candidates {
        let message = format!(
            "`{class}` raised in a network module carries no status, request id or headers; \
             raise an error of the project's hierarchy"
        );
        let diagnostic = checker
            .locator
            .diagnostic(Rule::VanillaErrorAtBoundary, message, range);
        checker.report(diagnostic);
    }
}
