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
//! Two kinds of `headers` are known not to hold credentials, and are left
//! alone:
//! - a value proven to be a string, inside `if isinstance(headers, str):`
//!   (or `headers.__class__ is str`, `type(headers) is str`): it is not a
//!   headers mapping;
//! - a dict built in the same function from literal, non-secret header
//!   names only (`headers = {"Accept": ...}`, then
//!   `headers["Content-Type"] = ...`), and not yet passed to any call that
//!   could add to it.
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

use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{BoolOp, CmpOp, Expr, ExprCall, Stmt};
use ruff_text_size::Ranged;

use super::{
    Shown, find_logged, is_headers_expr, is_headers_name, is_secret_header, logging_call_text,
};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::{argument_values, snippet};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::logging::LoggingCall;
use crate::semantic::names::MAX_EXPR_DEPTH;
use crate::semantic::{CallTarget, ScopeId, SemanticModel};

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
        stmt: Some(track_literal_headers),
        ..Hooks::NONE
    },
};

/// Methods of a headers mapping that hand out its values.
const VALUE_METHODS: &[&str] = &["items", "values", "copy", "multi_items"];

/// Methods that read a mapping without changing it.
const READING_METHODS: &[&str] = &["get", "keys", "items", "values", "copy", "__contains__"];

/// Headers dicts, as (scope of the name, name), built so far in their
/// function from literal non-secret header names only.
type LiteralHeaders = Vec<(ScopeId, String)>;

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if let Some(kind) = checker.semantic.logging_call(call) {
        check(checker, call, kind);
    } else {
        forget_passed_headers(checker, call);
    }
}

fn check(checker: &mut Checker, call: &ExprCall, kind: LoggingCall) {
    let semantic = &checker.semantic;
    let literal = checker
        .rule_states
        .get::<LiteralHeaders>(Rule::LoggedHeaders)
        .map_or(&[][..], Vec::as_slice);
    let Some(found) = find_logged(semantic, call, &mut |expr, shown| {
        shows_header_values(semantic, expr, shown)
            && !proven_str(semantic, expr)
            && !is_literal_headers(semantic, literal, expr)
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

/// Inside `if isinstance(x, str):` (or `x.__class__ is str`,
/// `type(x) is str`): `x` is a string, not a headers mapping.
fn proven_str(semantic: &SemanticModel, expr: &Expr) -> bool {
    let target = ComparableExpr::from(expr);
    semantic
        .statements
        .branch_tests()
        .any(|test| test_proves_str(semantic, test, &target, 0))
}

fn test_proves_str(
    semantic: &SemanticModel,
    test: &Expr,
    target: &ComparableExpr,
    depth: u32,
) -> bool {
    if depth > MAX_EXPR_DEPTH {
        return false;
    }
    let is_str = |expr: &Expr| semantic.builtin_name(expr) == Some("str");
    match test {
        Expr::BoolOp(bool_op) if bool_op.op == BoolOp::And => bool_op
            .values
            .iter()
            .any(|value| test_proves_str(semantic, value, target, depth + 1)),
        Expr::Call(call) => {
            let [subject, class] = call.arguments.args.as_ref() else {
                return false;
            };
            semantic.builtin_name(&call.func) == Some("isinstance")
                && is_str(class)
                && ComparableExpr::from(subject) == *target
        }
        Expr::Compare(compare) => {
            let ([op], [right]) = (compare.ops.as_ref(), compare.comparators.as_ref()) else {
                return false;
            };
            if !matches!(op, CmpOp::Is | CmpOp::Eq) || !is_str(right) {
                return false;
            }
            let subject = match compare.left.as_ref() {
                Expr::Attribute(attribute) if attribute.attr.as_str() == "__class__" => {
                    attribute.value.as_ref()
                }
                Expr::Call(call) if semantic.builtin_name(&call.func) == Some("type") => {
                    match call.arguments.args.as_ref() {
                        [subject] => subject,
                        _ => return false,
                    }
                }
                _ => return false,
            };
            ComparableExpr::from(subject) == *target
        }
        _ => false,
    }
}

/// A name bound in this function to a dict of literal, non-secret header
/// names, and not yet handed to a call.
fn is_literal_headers(
    semantic: &SemanticModel,
    literal: &[(ScopeId, String)],
    expr: &Expr,
) -> bool {
    let Expr::Name(name) = expr else {
        return false;
    };
    if literal.is_empty() {
        return false;
    }
    semantic
        .lookup_with_scope(name.id.as_str())
        .is_some_and(|(scope, _)| {
            literal
                .iter()
                .any(|(known, known_name)| *known == scope && known_name == name.id.as_str())
        })
}

/// The scope a name of the current statement lives in, and whether it is
/// one of the literal headers dicts.
fn literal_entry(checker: &Checker, name: &str) -> Option<usize> {
    let literal = checker
        .rule_states
        .get::<LiteralHeaders>(Rule::LoggedHeaders)?;
    let (scope, _) = checker.semantic.lookup_with_scope(name)?;
    literal
        .iter()
        .position(|(known, known_name)| *known == scope && known_name == name)
}

fn forget(checker: &mut Checker, name: &str) {
    if let Some(index) = literal_entry(checker, name) {
        checker
            .rule_states
            .get_mut::<LiteralHeaders>(Rule::LoggedHeaders)
            .swap_remove(index);
    }
}

/// Follows the headers dicts built from literal names: `headers = {...}`,
/// `headers["Accept"] = ...`. Any other write, or an alias, forgets them.
fn track_literal_headers(checker: &mut Checker, stmt: &Stmt) {
    let (targets, value): (&[Expr], Option<&Expr>) = match stmt {
        Stmt::Assign(assign) => (&assign.targets, Some(&assign.value)),
        Stmt::AnnAssign(ann_assign) => (
            std::slice::from_ref(ann_assign.target.as_ref()),
            ann_assign.value.as_deref(),
        ),
        Stmt::AugAssign(aug_assign) => (std::slice::from_ref(aug_assign.target.as_ref()), None),
        _ => return,
    };
    let tracking = checker
        .rule_states
        .get::<LiteralHeaders>(Rule::LoggedHeaders)
        .is_some_and(|literal| !literal.is_empty());
    let builds_dict = value.is_some_and(Expr::is_dict_expr);
    if !tracking && !builds_dict {
        return;
    }
    if let Some(Expr::Name(alias)) = value {
        forget(checker, alias.id.as_str());
    }
    for target in targets {
        match target {
            Expr::Name(name) => {
                let id = name.id.as_str();
                let scope = if checker.semantic.is_declared_global(id) {
                    0
                } else {
                    checker.semantic.current_scope_id()
                };
                let literal = checker
                    .rule_states
                    .get_mut::<LiteralHeaders>(Rule::LoggedHeaders);
                literal.retain(|(known, known_name)| !(*known == scope && known_name == id));
                if is_headers_name(id) && value.is_some_and(is_literal_headers_dict) {
                    literal.push((scope, id.to_string()));
                }
            }
            Expr::Subscript(subscript) if tracking => {
                if let Expr::Name(name) = subscript.value.as_ref()
                    && literal_entry(checker, name.id.as_str()).is_some()
                {
                    let keeps = subscript
                        .slice
                        .as_string_literal_expr()
                        .is_some_and(|key| is_plain_header_name(key.value.to_str()))
                        && !matches!(stmt, Stmt::AugAssign(_));
                    if !keeps {
                        forget(checker, name.id.as_str());
                    }
                }
            }
            _ => {}
        }
    }
}

/// `{}` or `{"Accept": ..., "Content-Type": ...}`.
fn is_literal_headers_dict(value: &Expr) -> bool {
    let Expr::Dict(dict) = value else {
        return false;
    };
    dict.items.iter().all(|item| {
        item.key
            .as_ref()
            .and_then(Expr::as_string_literal_expr)
            .is_some_and(|key| is_plain_header_name(key.value.to_str()))
    })
}

/// Words that make a header's name speak of a credential.
const CREDENTIAL_WORDS: &[&str] = &[
    "auth",
    "token",
    "key",
    "secret",
    "cookie",
    "session",
    "password",
    "signature",
    "credential",
];

/// A header whose value is not a credential: `Accept`, `Content-Type`.
fn is_plain_header_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !is_secret_header(&lower) && !CREDENTIAL_WORDS.iter().any(|word| lower.contains(word))
}

/// A literal headers dict handed to a call (`add_auth(headers)`) or changed
/// through a method (`headers.update(...)`) may hold anything afterwards.
fn forget_passed_headers(checker: &mut Checker, call: &ExprCall) {
    if checker
        .rule_states
        .get::<LiteralHeaders>(Rule::LoggedHeaders)
        .is_none_or(Vec::is_empty)
    {
        return;
    }
    if let Expr::Attribute(attribute) = call.func.as_ref()
        && let Expr::Name(receiver) = attribute.value.as_ref()
        && !READING_METHODS.contains(&attribute.attr.as_str())
    {
        forget(checker, receiver.id.as_str());
    }
    let arguments = argument_values(call);
    for argument in arguments {
        let passed = match argument {
            Expr::Name(name) => name,
            Expr::Starred(starred) => match starred.value.as_ref() {
                Expr::Name(name) => name,
                _ => continue,
            },
            _ => continue,
        };
        forget(checker, passed.id.as_str());
    }
}
