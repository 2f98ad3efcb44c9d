//! # swallowed-validation-error (WL406)
//!
//! ## What it does
//! Flags `except pydantic.ValidationError` (or
//! `pydantic_core.ValidationError`, also in a tuple) whose handler neither
//! raises nor returns a value other than `None`: `pass`, `continue`,
//! `break`, `return`, `return None`, or an assignment that replaces the
//! result. The diagnostic points at `ValidationError` in the `except`
//! clause.
//!
//! A handler that uses the caught error (`except ValidationError as e:`
//! and then logs `e`, collects it or passes it on) has not swallowed it and
//! is not flagged, and neither is one with any `raise` or any
//! `return <value>` on some path, nor one that validates again as a
//! fallback (`except ValidationError: data = Other.model_validate(value)`):
//! if the fallback fails too, it raises.
//!
//! ## Why is this bad?
//! A validation error says the data crossing the boundary is not what the
//! code expects: a changed upstream schema, a bad request. Dropping it turns
//! that into missing data further on, with no trace of why. Convert it at
//! the boundary into the project's error type, or return an explicit
//! result the caller must look at.
//!
//! ## Example
//! ```python
//! try:
//!     user = User.model_validate_json(payload)
//! except ValidationError:
//!     user = None
//! ```
//!
//! ## Use instead
//! ```python
//! try:
//!     user = User.model_validate_json(payload)
//! except ValidationError as error:
//!     raise InvalidResponseError(str(error)) from error
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Anti-Patterns" (catching `ValidationError`
//!   deep inside the client)

use ruff_python_ast::{ExceptHandlerExceptHandler, Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::exceptions::handler_types;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL406",
    name: "swallowed-validation-error",
    family: Family::Errors,
    status: Status::Stable,
    summary: "A pydantic `ValidationError` is caught and dropped.",
    boundary: false,
    markers: &[Marker::Word("ValidationError")],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        leave_handler: Some(check),
        ..Hooks::NONE
    },
};

/// pydantic's validating methods (v2 and v1).
const VALIDATING_METHODS: &[&str] = &[
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "validate_python",
    "validate_json",
    "validate_strings",
    "parse_obj",
    "parse_raw",
];

/// Start offsets of the open handlers catching `ValidationError` in which
/// a validating call (a fallback) was made.
type FallbackHandlers = FxHashSet<TextSize>;

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if checker.semantic.statements.in_handler() {
        note_call(checker, call);
    }
}

/// The `ValidationError` a handler catches, as written in its clause.
fn caught_validation_error(
    checker: &Checker,
    handler: &ExceptHandlerExceptHandler,
) -> Option<TextRange> {
    handler_types(handler.type_.as_deref()?)
        .find(|element| checker.semantic.is_validation_error(element))
        .map(Ranged::range)
}

/// A validating call inside a `ValidationError` handler is a fallback.
fn note_call(checker: &mut Checker, call: &ExprCall) {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return;
    };
    if !VALIDATING_METHODS.contains(&attribute.attr.as_str()) {
        return;
    }
    let fallbacks: Vec<TextSize> = checker
        .semantic
        .statements
        .handlers()
        .filter(|handler| caught_validation_error(checker, handler).is_some())
        .map(Ranged::start)
        .collect();
    checker
        .rule_states
        .get_mut::<FallbackHandlers>(Rule::SwallowedValidationError)
        .extend(fallbacks);
}

/// Called when a handler's body has been visited: the handler handles its
/// error when it reads it, raises, returns a value, or falls back to
/// another validating call.
fn check(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
    let Some(range) = caught_validation_error(checker, handler) else {
        return;
    };
    let fell_back = checker
        .rule_states
        .get_mut::<FallbackHandlers>(Rule::SwallowedValidationError)
        .remove(&handler.start());
    if checker.semantic.statements.innermost_handler_uses_error() || fell_back {
        return;
    }
    let message = "`ValidationError` is caught and dropped: the handler neither raises nor \
                   returns a value; convert it into the project's error type"
        .to_string();
    let diagnostic = checker
        .locator
        .diagnostic(Rule::SwallowedValidationError, message, range);
    checker.report(diagnostic);
}
