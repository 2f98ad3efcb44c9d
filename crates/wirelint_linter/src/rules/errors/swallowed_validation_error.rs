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

use ruff_python_ast::{Expr, ExprCall};

use super::HandlerFrame;
use crate::checker::Checker;
use crate::registry::Rule;

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

/// A validating call inside a `ValidationError` handler is a fallback.
pub fn note_call(checker: &mut Checker, call: &ExprCall) {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return;
    };
    if !VALIDATING_METHODS.contains(&attribute.attr.as_str()) {
        return;
    }
    for frame in &mut checker.rule_state.errors.handlers {
        if frame.validation_error.is_some() {
            frame.handles_error = true;
        }
    }
}

/// Called when a handler's body has been visited.
pub(super) fn check(checker: &mut Checker, frame: &HandlerFrame) {
    let Some(range) = frame.validation_error else {
        return;
    };
    if frame.handles_error {
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
