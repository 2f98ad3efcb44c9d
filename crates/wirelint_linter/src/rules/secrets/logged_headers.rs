//! # logged-headers (WL602)
//!
//! ## What it does
//! Flags a logging call (`logger.*`, `logging.*`, `print`) that writes out a
//! whole headers mapping of a request, response or client: `r.headers`,
//! `dict(r.headers)`, `r.headers.items()` or `.values()`, `{r.headers}` in an
//! f-string, `"%s" % headers`, `extra={"headers": r.headers}`, or a name
//! `headers` (also `request_headers`, `default_headers`, ...).
//!
//! Logging only the names is what the policy asks for and is not flagged:
//! `headers.keys()`, `list(headers)`, `sorted(headers)`, `", ".join(headers)`.
//! Neither is one named non-secret header, `headers.get("x-request-id")`, or
//! headers passed through a function first (`redact(headers)`), nor a name
//! bound to a filtered copy (`headers = {k: ... for k, v in h.items()}`,
//! `headers = redact(h)`). A secret header's value (`Authorization`,
//! `Cookie`, `X-Api-Key`) is WL603.
//!
//! ## Why is this bad?
//! Request headers carry `Authorization: Bearer ...`, cookies and API keys.
//! A debug line that dumps them copies credentials into log files, log
//! shippers and every dashboard that reads them, where they outlive any
//! rotation.
//!
//! ## Example
//! ```python
//! logger.debug("request headers: %s", request.headers)
//! ```
//!
//! ## Use instead
//! ```python
//! logger.debug("request headers: %s", sorted(request.headers))
//! logger.info("request.recv", extra={"request_id": response.headers.get("x-request-id")})
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Observability" (log the keys, redact the
//!   values) and "Anti-Patterns" (logging raw headers)

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use super::{Shown, find_logged, is_headers_expr, logging_call_text};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::logging::LoggingCall;
use crate::semantic::{CallTarget, SemanticModel};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL602",
    name: "logged-headers",
    family: Family::Secrets,
    status: Status::Stable,
    summary: "A logging call writes a whole headers mapping, credentials included.",
    boundary: false,
    markers: &[Marker::Word("headers")],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

/// Methods of a headers mapping that hand out its values.
const VALUE_METHODS: &[&str] = &["items", "values", "copy", "multi_items"];

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if let Some(kind) = checker.semantic.logging_call(call) {
        check(checker, call, kind);
    }
}

fn check(checker: &mut Checker, call: &ExprCall, kind: LoggingCall) {
    let semantic = &checker.semantic;
    let Some(found) = find_logged(semantic, call, &mut |expr, shown| {
        shows_header_values(semantic, expr, shown)
    }) else {
        return;
    };
    let message = format!(
        "`{}` logs the header values of `{}`; log the header names (`sorted(...)`) or redact the values",
        logging_call_text(checker, call, kind),
        snippet(checker, found.range())
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::LoggedHeaders, message, call.range());
    checker.report(diagnostic);
}

/// A headers mapping shown whole, or its values.
fn shows_header_values(semantic: &SemanticModel, expr: &Expr, shown: Shown) -> bool {
    match expr {
        Expr::Name(name) if shown == Shown::Whole => {
            is_headers_expr(expr) && !is_filtered_copy(semantic, name.id.as_str())
        }
        Expr::Attribute(attribute) if shown == Shown::Whole => {
            is_headers_expr(expr)
                || (attribute.attr.as_str() == "raw" && is_headers_expr(&attribute.value))
        }
        Expr::Call(call) => {
            let Some(attribute) = call.func.as_attribute_expr() else {
                return false;
            };
            call.arguments.is_empty()
                && VALUE_METHODS.contains(&attribute.attr.as_str())
                && is_headers_expr(&attribute.value)
        }
        _ => false,
    }
}

/// Words in a function's name that say it hides values.
const REDACTING_WORDS: &[&str] = &[
    "redact", "mask", "sanitiz", "sanitis", "scrub", "filter", "safe",
];

/// `headers = {k: "***" if k == "authorization" else v for ...}` or
/// `headers = redact(request.headers)`: a copy already filtered.
fn is_filtered_copy(semantic: &SemanticModel, name: &str) -> bool {
    let Some(value) = semantic.lookup(name).and_then(|binding| binding.value) else {
        return false;
    };
    match value {
        Expr::DictComp(_) | Expr::ListComp(_) | Expr::Generator(_) => true,
        Expr::Call(call) => {
            let callee = match call.func.as_ref() {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attribute) => attribute.attr.as_str(),
                _ => return false,
            };
            let callee = callee.to_ascii_lowercase();
            REDACTING_WORDS.iter().any(|word| callee.contains(word))
        }
        _ => false,
    }
}
