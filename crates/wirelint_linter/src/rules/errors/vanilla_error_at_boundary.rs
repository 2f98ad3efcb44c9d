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
//!   which signal misuse by the caller;
//! - a raise in a `try` body whose own handler catches it (`except
//!   Exception as error: raise ServiceError(..., status=...) from error`)
//!   without raising it again as it is: the vanilla error never leaves the
//!   function;
//! - a raise in an `except` handler whose `try` body sent no request, read
//!   no status and read no response (a name bound to a request's result or
//!   read for its status): `try: await websocket.close() except
//!   RuntimeError: raise Exception(...)` reports a local failure, with no
//!   status or request id to carry. Parsing the response (`try: data =
//!   response.json() except ValueError: raise Exception(...)`) is still
//!   flagged.
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

use ruff_python_ast::{self as ast, Expr, ExprCall, Stmt, StmtRaise};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use super::innermost_catches_network_or_import_error;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::SENDING_FUNCTION_NAMES;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::handlers::{block_reads_any, reraises_caught};
use crate::semantic::statements::Part;
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
    /// Where each request was sent or status read, in source order.
    service_marks: Vec<TextSize>,
    /// Names that hold a response, by unit: bound to a request's result, or
    /// read for their status (`response.status_code`).
    response_names: Vec<(Option<ScopeId>, String)>,
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
fn note_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
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
        mark_service_unit(checker, call.start());
        if let Some(name) = checker.semantic.assigned_name(call) {
            note_response_name(checker, name);
        }
    }
}

fn note_response_name(checker: &mut Checker, name: &str) {
    let unit = checker.semantic.current_function_scope();
    let names = &mut state(checker).response_names;
    if !names
        .iter()
        .any(|(known_unit, known)| *known_unit == unit && known == name)
    {
        names.push((unit, name.to_string()));
    }
}

/// `response` in `response.status_code`: a plain name read for its status.
fn status_receiver(expr: &Expr) -> Option<&str> {
    let attribute = expr.as_attribute_expr()?;
    Some(attribute.value.as_name_expr()?.id.as_str())
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
    let status = match expr {
        Expr::Attribute(attribute)
            if RESPONSE_STATUS_ATTRIBUTES.contains(&attribute.attr.as_str()) =>
        {
            expr
        }
        Expr::Compare(compare) => {
            let mut operands =
                std::iter::once(compare.left.as_ref()).chain(compare.comparators.iter());
            let Some(status) = operands.clone().find(|operand| {
                operand
                    .as_attribute_expr()
                    .is_some_and(|attribute| attribute.attr.as_str() == "status")
            }) else {
                return;
            };
            if !operands.any(Expr::is_number_literal_expr) {
                return;
            }
            status
        }
        _ => return,
    };
    mark_service_unit(checker, expr.start());
    if let Some(receiver) = status_receiver(status) {
        note_response_name(checker, receiver);
    }
}

fn mark_service_unit(checker: &mut Checker, at: TextSize) {
    let unit = checker.semantic.current_function_scope();
    let state = state(checker);
    state.service_units.insert(unit);
    state.service_marks.push(at);
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
    if innermost_catches_network_or_import_error(checker) || stays_local(checker, class) {
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

/// Whether the raised error stays inside the function, or reports a local
/// failure rather than the service's answer:
/// - the raise is in a `try` body whose handler catches it (`except
///   Exception`, `except RuntimeError`, a bare `except:`) and does not raise
///   it again as it is: the handler turns it into something else, and the
///   vanilla error never leaves;
/// - the raise is in an `except` handler whose `try` body sent no request
///   and read no status: it reports what failed in that body (closing a
///   socket, writing a file).
fn stays_local(checker: &Checker, class: &str) -> bool {
    for (stmt_try, part) in checker.semantic.statements.tries() {
        match part {
            Part::Body => {
                let catching = stmt_try.handlers.iter().find_map(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    let caught = checker.semantic.caught(handler);
                    (caught.everything || caught.classes.iter().any(|name| name == class))
                        .then_some(handler)
                });
                if let Some(handler) = catching {
                    return !reraises_caught(handler);
                }
            }
            Part::Handler(_) => {
                let body = TextRange::new(
                    stmt_try
                        .body
                        .first()
                        .map_or(stmt_try.start(), Ranged::start),
                    stmt_try.body.last().map_or(stmt_try.start(), Ranged::end),
                );
                let Some(state) = checker
                    .rule_states
                    .get::<State>(Rule::VanillaErrorAtBoundary)
                else {
                    return true;
                };
                if state.service_marks.iter().any(|mark| body.contains(*mark)) {
                    return false;
                }
                let unit = checker.semantic.current_function_scope();
                let responses: Vec<&str> = state
                    .response_names
                    .iter()
                    .filter(|(known_unit, _)| *known_unit == unit)
                    .map(|(_, name)| name.as_str())
                    .collect();
                return !block_reads_any(&stmt_try.body, &responses);
            }
            // A raise in `else` or `finally` leaves the `try` as it is.
            _ => {}
        }
    }
    false
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
