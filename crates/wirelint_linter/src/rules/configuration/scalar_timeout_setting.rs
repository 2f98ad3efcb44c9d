//! # scalar-timeout-setting (WL704)
//!
//! ## What it does
//! Flags a `timeout` setting typed as a single number (`float`, `int`,
//! `float | None`, `Optional[int]`, not a union with a structured timeout
//! type):
//! - a `timeout` field of a configuration model: a pydantic model, or a
//!   dataclass in a module that imports a network library, named
//!   `*Config`, `*Settings` or `*Options` or with a `base_url`, `api_key` or
//!   `max_retries` field (a request description that merely carries a
//!   timeout, like `HttpRequest(url, method, timeout)`, is not
//!   configuration);
//! - a `timeout` parameter of a client class's `__init__`: a class deriving
//!   from a known client class, holding a client in an attribute, or named
//!   `*Client` in a module that imports a network library.
//!
//! `timeout: httpx.Timeout`, `timeout: float | httpx.Timeout` and
//! `timeout: tuple[float, float]` are structured and not flagged.
//!
//! ## Why is this bad?
//! The setting's type decides what callers can express. A `float` can only
//! carry one budget for connect, read, write and pool together, so every
//! caller of the client inherits the single-number timeout the policy
//! rejects, and the structured form cannot even be passed through.
//!
//! ## Example
//! ```python
//! class ClientConfig(BaseModel):
//!     model_config = ConfigDict(extra="forbid", frozen=True)
//!     timeout: float = 30.0
//! ```
//!
//! ## Use instead
//! ```python
//! class ClientConfig(BaseModel):
//!     model_config = ConfigDict(extra="forbid", frozen=True)
//!     timeout: httpx.Timeout = httpx.Timeout(30.0, connect=5.0, pool=5.0)
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Client Construction" and "Timeout
//!   Granularity"

use ruff_python_ast::{Expr, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};

use super::is_timeout_config_model;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::models::model_fields;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL704",
    name: "scalar-timeout-setting",
    family: Family::Configuration,
    status: Status::Stable,
    summary: "A `timeout` setting is typed as a single number.",
    boundary: false,
    markers: &[
        Marker::Word("BaseModel"),
        Marker::Word("BaseSettings"),
        Marker::Word("GenericModel"),
        Marker::NetworkImport,
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        class: Some(check_class),
        leave_function: Some(leave_function),
        ..Hooks::NONE
    },
};

/// Number types a scalar timeout is annotated with.
const SCALARS: &[&str] = &["float", "int"];

/// `__init__` methods whose class is a client only if the body stores a
/// client on `self`: decided when the body has been visited.
type PendingInits = Vec<(TextRange, Diagnostic)>;

fn check_class(checker: &mut Checker, class: &StmtClassDef) {
    check_model_fields(checker, class);
    check_client_init(checker, class);
}

fn check_model_fields(checker: &mut Checker, class: &StmtClassDef) {
    let Some(model) = checker.semantic.class_model(class) else {
        return;
    };
    if model.is_dataclass() && !checker.semantic.is_network_module() {
        return;
    }
    if !is_timeout_config_model(class) {
        return;
    }
    for (name, field) in model_fields(class) {
        if name.id.as_str() == "timeout"
            && checker
                .semantic
                .annotation_is_builtin(&field.annotation, SCALARS)
        {
            let diagnostic = scalar_diagnostic(
                checker,
                &field.annotation,
                &format!("field `timeout` of configuration model `{}`", class.name),
            );
            checker.report(diagnostic);
        }
    }
}

fn check_client_init(checker: &mut Checker, class: &StmtClassDef) {
    // The last `__init__` is the implementation; earlier ones are `@overload`s.
    let Some(init) = class.body.iter().rev().find_map(|stmt| match stmt {
        Stmt::FunctionDef(function) if function.name.as_str() == "__init__" => Some(function),
        _ => None,
    }) else {
        return;
    };
    let Some(annotation) = init
        .parameters
        .iter()
        .map(ruff_python_ast::AnyParameterRef::as_parameter)
        .find(|parameter| parameter.name.as_str() == "timeout")
        .and_then(|parameter| parameter.annotation())
    else {
        return;
    };
    if !checker.semantic.annotation_is_builtin(annotation, SCALARS) {
        return;
    }
    let diagnostic = scalar_diagnostic(
        checker,
        annotation,
        &format!("parameter `timeout` of client `{}.__init__`", class.name),
    );
    if is_client_class(checker, class) {
        checker.report(diagnostic);
    } else {
        checker
            .rule_states
            .get_mut::<PendingInits>(Rule::ScalarTimeoutSetting)
            .push((init.range, diagnostic));
    }
}

/// Reports a pending `__init__` whose body stored a client on `self`.
fn leave_function(checker: &mut Checker, function: &StmtFunctionDef) {
    let pending = checker
        .rule_states
        .get_mut::<PendingInits>(Rule::ScalarTimeoutSetting);
    let Some(index) = pending
        .iter()
        .position(|(range, _)| *range == function.range)
    else {
        return;
    };
    let (_, diagnostic) = pending.swap_remove(index);
    if checker.semantic.method_class_holds_client() {
        checker.report(diagnostic);
    }
}

/// A class deriving from a known client class, named `*Client` in a network
/// module, or declaring a client-typed attribute in its body.
fn is_client_class(checker: &Checker, class: &StmtClassDef) -> bool {
    let semantic = &checker.semantic;
    let derives_client = class.bases().iter().any(|base| {
        semantic
            .qualified_name(base)
            .is_some_and(|qualified| semantic.known.client_class(&qualified).is_some())
    });
    let declares_client = class.body.iter().any(|stmt| {
        matches!(stmt, Stmt::AnnAssign(ann_assign)
            if semantic.annotation_client(&ann_assign.annotation).is_some())
    });
    derives_client
        || declares_client
        || (class.name.as_str().ends_with("Client") && semantic.is_network_module())
}

fn scalar_diagnostic(checker: &Checker, annotation: &Expr, what: &str) -> Diagnostic {
    let message = format!(
        "The {what} is typed `{}`: one number for every phase; accept a structured timeout (`httpx.Timeout`, a `(connect, read)` tuple) too",
        checker.locator.slice(annotation.range())
    );
    checker
        .locator
        .diagnostic(Rule::ScalarTimeoutSetting, message, annotation.range())
}
