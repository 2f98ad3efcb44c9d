//! # manual-json-validation (WL901)
//!
//! ## What it does
//! Flags JSON text parsed with `json.loads` and then handed to pydantic:
//! `Model.model_validate(json.loads(x))`, `Model.parse_obj(json.loads(x))`,
//! `adapter.validate_python(json.loads(x))` on a `TypeAdapter`, and
//! `Model(**json.loads(x))` for a pydantic model of the module. Only a plain
//! `json.loads(x)` counts: with `object_hook=`, `parse_float=` and the like
//! the parsing is deliberate.
//!
//! ## Why is this bad?
//! pydantic validates JSON text directly, in one pass, without building an
//! intermediate dict (faster, less memory), and in JSON mode it knows that
//! a string is how JSON spells a date or a UUID. When the text comes from an
//! SDK that can validate it (`.parse(response_format=Model)`), let the SDK
//! do it.
//!
//! ## Fix safety
//! `model_validate(json.loads(x))` → `model_validate_json(x)` and
//! `validate_python(json.loads(x))` → `validate_json(x)` are offered as
//! unsafe fixes. For valid JSON in lax mode the result is the same, but
//! not in every case: invalid JSON raises `ValidationError` instead of
//! `json.JSONDecodeError` (so an `except json.JSONDecodeError` stops
//! catching it); strict mode accepts in JSON what it rejects in Python
//! (`"2024-01-01"` for a `date`, a list for a tuple); `json.loads` accepts
//! bytes in UTF-16/32 and other inputs pydantic's parser does not; and
//! `before` validators may see different input. `parse_obj` (whose pydantic
//! v1 counterpart is `parse_raw`) and `Model(**...)` (which may run a custom
//! `__init__`) get no fix.
//!
//! ## Example
//! ```python
//! user = User.model_validate(json.loads(response.text))
//! ```
//!
//! ## Use instead
//! ```python
//! user = User.model_validate_json(response.text)
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Structured Outputs"

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::diagnostic::{Applicability, Fix};
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL901",
    name: "manual-json-validation",
    family: Family::StructuredOutputs,
    status: Status::Stable,
    summary: "JSON parsed with `json.loads` and then validated, instead of validated as JSON.",
    boundary: false,
    markers: &[Marker::Word("loads")],
    fix: FixAvailability::Sometimes(Applicability::Unsafe),
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    match call.func.as_ref() {
        Expr::Attribute(attribute) => {
            let [argument] = &*call.arguments.args else {
                return;
            };
            let Some(text) = loaded_text(checker, argument) else {
                return;
            };
            let receiver = checker.locator.slice(attribute.value.range());
            let (replacement, fixable) = match attribute.attr.as_str() {
                "model_validate" => ("model_validate_json", true),
                "validate_python" if is_type_adapter(checker, &attribute.value) => {
                    ("validate_json", true)
                }
                "parse_obj" => ("model_validate_json", false),
                _ => return,
            };
            let method = attribute.attr.as_str();
            let message = if method == "parse_obj" {
                format!(
                    "`{receiver}.parse_obj(json.loads(...))` validates a parsed dict; use \
                     `{receiver}.model_validate_json(...)` (pydantic v2) or \
                     `{receiver}.parse_raw(...)` (v1)"
                )
            } else {
                format!(
                    "`{method}(json.loads(...))` validates a parsed dict; use \
                     `{receiver}.{replacement}(...)` or the SDK's `.parse(...)`"
                )
            };
            let mut diagnostic =
                checker
                    .locator
                    .diagnostic(Rule::ManualJsonValidation, message, call.range());
            if fixable && call.arguments.keywords.is_empty() {
                let text = checker.locator.slice(text.range()).to_string();
                diagnostic.fix = Some(Fix {
                    applicability: Applicability::Unsafe,
                    message: format!("Validate the JSON text with `{replacement}`"),
                    edits: vec![
                        checker
                            .locator
                            .edit(attribute.attr.range(), replacement.to_string()),
                        checker.locator.edit(argument.range(), text),
                    ],
                });
            }
            checker.report(diagnostic);
        }
        func @ Expr::Name(_) => {
            let [keyword] = &*call.arguments.keywords else {
                return;
            };
            if !call.arguments.args.is_empty()
                || keyword.arg.is_some()
                || loaded_text(checker, &keyword.value).is_none()
            {
                return;
            }
            if !checker
                .semantic
                .model_named_by(func)
                .is_some_and(|model| model.is_pydantic())
            {
                return;
            }
            let model = checker.locator.slice(func.range());
            let message = format!(
                "`{model}(**json.loads(...))` validates a parsed dict; use \
                 `{model}.model_validate_json(...)` or the SDK's `.parse(...)`"
            );
            let diagnostic =
                checker
                    .locator
                    .diagnostic(Rule::ManualJsonValidation, message, call.range());
            checker.report(diagnostic);
        }
        _ => {}
    }
}

/// The text argument of a plain `json.loads(text)`.
fn loaded_text<'e>(checker: &Checker, expr: &'e Expr) -> Option<&'e Expr> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let [text] = &*call.arguments.args else {
        return None;
    };
    if !call.arguments.keywords.is_empty() || text.is_starred_expr() {
        return None;
    }
    (checker.semantic.qualified_name(&call.func)?.as_str() == "json.loads").then_some(text)
}

/// `TypeAdapter(...)`, or a name bound to one.
fn is_type_adapter(checker: &Checker, receiver: &Expr) -> bool {
    let value = match receiver {
        Expr::Name(name) => match checker.semantic.lookup(name.id.as_str()) {
            Some(binding) => binding.value,
            None => None,
        },
        expr => Some(expr),
    };
    let Some(Expr::Call(call)) = value else {
        return false;
    };
    checker
        .semantic
        .qualified_name(&call.func)
        .is_some_and(|name| {
            matches!(
                name.as_str(),
                "pydantic.TypeAdapter" | "pydantic.type_adapter.TypeAdapter"
            )
        })
}
