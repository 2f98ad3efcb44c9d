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
//! The two-step form is the same fault: `data = json.loads(text)`, then
//! `Model.model_validate(data)` (or any of the calls above) in the same
//! function, when `data` is bound only there and the validating call is
//! its only read. A dict that is read, changed or passed anywhere else
//! (`data.setdefault(...)`, `if "error" in data:`) is left alone: the code
//! needs the parsed dict for more than validation. The two-step form gets
//! no fix.
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
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::diagnostic::{Applicability, Fix};
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::handlers::count_reads;
use crate::semantic::{BindingKind, CallTarget, ScopeId};

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
        leave_body: Some(check_two_step),
        ..Hooks::NONE
    },
};

/// Validating calls of a local bound to a plain `json.loads(...)`, decided
/// when their function body has been visited.
type TwoStep = Vec<Candidate>;

#[derive(Debug)]
struct Candidate {
    scope: Option<ScopeId>,
    name: String,
    call: TextRange,
    /// How the message shows the validating call, up to the local's name:
    /// `User.model_validate(`, `User(**`.
    callee: String,
    replacement: String,
}

fn check(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    note_two_step(checker, call);
    check_nested(checker, call);
}

/// `Model.model_validate(data)` (and the other validating calls) of a local
/// bound once to a plain `json.loads(...)`.
fn note_two_step(checker: &mut Checker, call: &ExprCall) {
    // The two-step form is judged in function bodies, where the reads of
    // the local can be counted.
    if checker.semantic.statements.function().is_none() {
        return;
    }
    let (argument, callee, replacement) = match call.func.as_ref() {
        Expr::Attribute(attribute) => {
            let [argument] = &*call.arguments.args else {
                return;
            };
            let receiver = checker.locator.slice(attribute.value.range());
            let replacement = match attribute.attr.as_str() {
                "model_validate" | "parse_obj" => "model_validate_json",
                "validate_python" if is_type_adapter(checker, &attribute.value) => "validate_json",
                _ => return,
            };
            (
                argument,
                format!("{receiver}.{}(", attribute.attr),
                format!("{receiver}.{replacement}"),
            )
        }
        func @ Expr::Name(_) => {
            let ([], [keyword]) = (&*call.arguments.args, &*call.arguments.keywords) else {
                return;
            };
            if keyword.arg.is_some()
                || !checker
                    .semantic
                    .model_named_by(func)
                    .is_some_and(|model| model.is_pydantic())
            {
                return;
            }
            let model = checker.locator.slice(func.range());
            (
                &keyword.value,
                format!("{model}(**"),
                format!("{model}.model_validate_json"),
            )
        }
        _ => return,
    };
    let Expr::Name(name) = argument else {
        return;
    };
    let loaded_here = checker
        .semantic
        .lookup(name.id.as_str())
        .filter(|binding| binding.kind == BindingKind::Assignment && binding.times_bound == 1)
        .and_then(|binding| binding.value)
        .and_then(Expr::as_call_expr)
        .is_some_and(|value| plain_loads(checker, value).is_some());
    if !loaded_here {
        return;
    }
    let candidate = Candidate {
        scope: checker.semantic.current_function_scope(),
        name: name.id.to_string(),
        call: call.range(),
        callee,
        replacement,
    };
    checker
        .rule_states
        .get_mut::<TwoStep>(Rule::ManualJsonValidation)
        .push(candidate);
}

/// Reports the two-step validations of the function just visited whose
/// local is bound once and read only by the validating call.
fn check_two_step(checker: &mut Checker) {
    let scope = checker.semantic.current_function_scope();
    let state = checker
        .rule_states
        .get_mut::<TwoStep>(Rule::ManualJsonValidation);
    if state.is_empty() {
        return;
    }
    let (mine, others): (Vec<Candidate>, Vec<Candidate>) = std::mem::take(state)
        .into_iter()
        .partition(|candidate| candidate.scope == scope);
    *state = others;
    let Some(function) = checker.semantic.statements.function() else {
        return;
    };
    for candidate in mine {
        let bound_once = checker
            .semantic
            .current_scope()
            .get(&candidate.name)
            .is_some_and(|binding| binding.times_bound == 1);
        if !bound_once || count_reads(&function.body, &candidate.name) != 1 {
            continue;
        }
        let message = format!(
            "`{name} = json.loads(...)` is only validated by `{callee}{name})`: validate the \
             JSON text in one pass with `{replacement}(...)`",
            name = candidate.name,
            callee = candidate.callee,
            replacement = candidate.replacement,
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::ManualJsonValidation, message, candidate.call);
        checker.report(diagnostic);
    }
}

/// The nested form: `Model.model_validate(json.loads(x))` and its kin.
fn check_nested(checker: &mut Checker, call: &ExprCall) {
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
    plain_loads(checker, call)
}

/// The text argument of a call that is a plain `json.loads(text)`.
fn plain_loads<'e>(checker: &Checker, call: &'e ExprCall) -> Option<&'e Expr> {
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
    checker.semantic.names_type_adapter(&call.func)
}
