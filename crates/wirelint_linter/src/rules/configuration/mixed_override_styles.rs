//! # mixed-override-styles (WL705)
//!
//! ## What it does
//! Flags a class that offers both forms of per-request overrides: a
//! `with_options(...)` method (or a `with_options = ...` alias in its body)
//! and one or more public methods taking an `options` mapping parameter
//! (`def create(self, payload, options: RequestOptions | None = None)`).
//! A parameter named `options` whose annotation is plainly not a mapping
//! (`bool`, `int`, `str`, a list or tuple) does not count, and neither do
//! private or dunder methods (`_prepare_options(self, options)`): they are
//! the client's internal plumbing, not a form offered to callers.
//!
//! ## Why is this bad?
//! Two ways to set a timeout or retry count for one call means two code
//! paths that must agree on precedence and copying, and callers who cannot
//! tell which one a given method honours. The policy asks for one form per
//! client: the fluent `with_options()` copy for async-first SDKs, or a
//! trailing options mapping for request-scoped overrides.
//!
//! ## Example
//! ```python
//! class ServiceClient:
//!     def with_options(self, *, timeout=None, max_retries=None) -> "ServiceClient": ...
//!
//!     def create(self, payload, options: RequestOptions | None = None): ...
//! ```
//!
//! ## Use instead
//! ```python
//! class ServiceClient:
//!     def with_options(self, *, timeout=None, max_retries=None) -> "ServiceClient": ...
//!
//!     def create(self, payload): ...
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Per-Request Overrides" (do not mix both
//!   forms in one client)

use ruff_python_ast::{Expr, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL705",
    name: "mixed-override-styles",
    family: Family::Configuration,
    status: Status::Stable,
    summary: "A class offers both `with_options()` and an `options` mapping parameter.",
    boundary: false,
    markers: &[Marker::Word("with_options")],
    fix: FixAvailability::None,
    hooks: Hooks {
        class: Some(check),
        ..Hooks::NONE
    },
};

/// Annotations that say an `options` parameter is not a mapping.
const NOT_MAPPINGS: &[&str] = &[
    "bool", "int", "float", "str", "bytes", "list", "tuple", "set",
];

fn check(checker: &mut Checker, class: &StmtClassDef) {
    if !offers_with_options(class) {
        return;
    }
    let methods: Vec<&str> = class
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::FunctionDef(function) if takes_options_mapping(checker, function) => {
                Some(function.name.as_str())
            }
            _ => None,
        })
        .collect();
    let Some(first) = methods.first() else {
        return;
    };
    let others = match methods.len() {
        1 => String::new(),
        count => format!(" and {} more", count - 1),
    };
    let message = format!(
        "`{}` offers both `with_options()` and an `options` parameter (`{first}`{others}); pick one form of per-request overrides",
        class.name
    );
    let diagnostic =
        checker
            .locator
            .diagnostic(Rule::MixedOverrideStyles, message, class.name.range());
    checker.report(diagnostic);
}

/// `def with_options(...)` or `with_options = copy` in the class body.
fn offers_with_options(class: &StmtClassDef) -> bool {
    class.body.iter().any(|stmt| match stmt {
        Stmt::FunctionDef(function) => function.name.as_str() == "with_options",
        Stmt::Assign(assign) => assign.targets.iter().any(|target| {
            target
                .as_name_expr()
                .is_some_and(|name| name.id.as_str() == "with_options")
        }),
        _ => false,
    })
}

/// A public method with an `options` parameter. Private and dunder methods
/// (`_prepare_options(self, options)`) are internal plumbing, not a style
/// offered to callers.
fn takes_options_mapping(checker: &Checker, function: &StmtFunctionDef) -> bool {
    let name = function.name.as_str();
    if name == "with_options" || name.starts_with('_') {
        return false;
    }
    let parameters = &function.parameters;
    let Some(options) = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .chain(&parameters.kwonlyargs)
        .map(|parameter| &parameter.parameter)
        .find(|parameter| parameter.name.as_str() == "options")
    else {
        return false;
    };
    options
        .annotation()
        .is_none_or(|annotation| !is_plainly_not_mapping(checker, annotation))
}

/// `bool`, `str | None`, `list[str]`, `tuple[int, ...]`.
fn is_plainly_not_mapping(checker: &Checker, annotation: &Expr) -> bool {
    let semantic = &checker.semantic;
    semantic.annotation_is_builtin(annotation, NOT_MAPPINGS)
        || matches!(annotation, Expr::Subscript(subscript)
            if semantic.annotation_is_builtin(&subscript.value, NOT_MAPPINGS))
}
