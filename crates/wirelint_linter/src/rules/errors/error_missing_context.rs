//! # error-missing-context (WL404)
//!
//! *Preview: runs only with `--preview`. Boundary: fires only in network
//! modules.*
//!
//! ## What it does
//! Flags the project's base error class (a public class, defined at import
//! time, deriving directly from `Exception`, that other classes of the
//! module derive from) when it does not store all four of `message`,
//! `status`, `request_id` and `headers`.
//! A field counts as stored when `__init__` assigns it on `self`
//! (`self.status = status`), when the class defines a property of that
//! name, or, for a dataclass, when the body declares it. `status_code` and
//! `http_status` count as `status`, `http_headers` as `headers`.
//!
//! ## Why is this bad?
//! Every error of a client should answer the questions its caller asks:
//! what happened (`message`), what the server said (`status`), which
//! request to quote to support (`request_id`) and when to retry
//! (`headers`: `retry-after`, `x-ratelimit-*`). A base class that stores
//! them makes every subclass answer them.
//!
//! ## Example
//! ```python
//! class ServiceError(Exception):
//!     def __init__(self, message: str) -> None:
//!         super().__init__(message)
//!         self.message = message
//!
//! class RateLimitError(ServiceError): ...
//! ```
//!
//! ## Use instead
//! ```python
//! class ServiceError(Exception):
//!     def __init__(
//!         self,
//!         message: str,
//!         *,
//!         status: int | None = None,
//!         request_id: str | None = None,
//!         headers: Mapping[str, str] | None = None,
//!     ) -> None:
//!         super().__init__(message)
//!         self.message = message
//!         self.status = status
//!         self.request_id = request_id
//!         self.headers = headers or {}
//!
//! class RateLimitError(ServiceError): ...
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Error Hierarchy"

use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::ScopeId;
use crate::semantic::exceptions::ErrorRoot;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL404",
    name: "error-missing-context",
    family: Family::Errors,
    status: Status::Preview,
    summary: "The base error class does not store message, status, request id and headers.",
    boundary: true,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(note_assignment),
        enter_function: Some(enter_function),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// The context fields, each with the attribute names that store it.
const CONTEXT_FIELDS: [(&str, &[&str]); 4] = [
    ("message", &["message"]),
    ("status", &["status", "status_code", "http_status"]),
    ("request_id", &["request_id"]),
    ("headers", &["headers", "http_headers"]),
];

/// What the exception root classes store, by class index.
#[derive(Debug, Default)]
struct State {
    /// `__init__` scopes of root classes → (class index, receiver name).
    init_receivers: FxHashMap<ScopeId, (usize, String)>,
    /// Attribute names each root class stores or exposes.
    stored: FxHashMap<usize, FxHashSet<String>>,
}

/// The class whose body is `scope`, when it derives directly from `Exception`.
fn root_class_of_body(checker: &Checker, scope: ScopeId) -> Option<usize> {
    let hierarchy = checker.semantic.class_hierarchy();
    let index = hierarchy.class_of_body(scope)?;
    (hierarchy.get(index).root == Some(ErrorRoot::Exception)).then_some(index)
}

/// Notes `__init__` and properties of root exception classes.
fn enter_function(checker: &mut Checker, function: &StmtFunctionDef) {
    let Some(parent) = checker.semantic.current_scope().parent else {
        return;
    };
    let Some(class) = root_class_of_body(checker, parent) else {
        return;
    };
    let state = checker
        .rule_states
        .get_mut::<State>(Rule::ErrorMissingContext);
    if function.name.as_str() == "__init__" {
        let receiver = function
            .parameters
            .posonlyargs
            .iter()
            .chain(&function.parameters.args)
            .next();
        if let Some(receiver) = receiver {
            let scope = checker.semantic.current_scope_id();
            let receiver = receiver.parameter.name.to_string();
            state.init_receivers.insert(scope, (class, receiver));
        }
        return;
    }
    let is_property = function.decorator_list.iter().any(|decorator| {
        checker.semantic.builtin_name(&decorator.expression) == Some("property")
            || checker
                .semantic
                .qualified_name(&decorator.expression)
                .is_some_and(|name| name == "functools.cached_property")
    });
    if is_property {
        state
            .stored
            .entry(class)
            .or_default()
            .insert(function.name.to_string());
    }
}

/// `self.x = ...` in a root's `__init__`; `x: T` in a root dataclass body.
fn note_assignment(checker: &mut Checker, stmt: &Stmt) {
    let targets: &[Expr] = match stmt {
        Stmt::Assign(assign) => &assign.targets,
        Stmt::AnnAssign(ann_assign) => std::slice::from_ref(ann_assign.target.as_ref()),
        _ => return,
    };
    let scope = checker.semantic.current_scope_id();
    if let Some(class) = root_class_of_body(checker, scope) {
        if !checker.semantic.class_hierarchy().get(class).is_dataclass {
            return;
        }
        let stored = checker
            .rule_states
            .get_mut::<State>(Rule::ErrorMissingContext)
            .stored
            .entry(class)
            .or_default();
        for target in targets {
            if let Expr::Name(name) = target {
                stored.insert(name.id.to_string());
            }
        }
        return;
    }
    let Some(function) = checker.semantic.current_function_scope() else {
        return;
    };
    let state = checker
        .rule_states
        .get_mut::<State>(Rule::ErrorMissingContext);
    let Some((class, receiver)) = state.init_receivers.get(&function) else {
        return;
    };
    let stored = state.stored.entry(*class).or_default();
    for target in targets {
        note_receiver_attributes(target, receiver, stored);
    }
}

/// Records `receiver.attr` targets, also inside tuple targets.
fn note_receiver_attributes(target: &Expr, receiver: &str, stored: &mut FxHashSet<String>) {
    match target {
        Expr::Attribute(attribute)
            if attribute
                .value
                .as_name_expr()
                .is_some_and(|name| name.id.as_str() == receiver) =>
        {
            stored.insert(attribute.attr.to_string());
        }
        Expr::Tuple(tuple) => {
            for element in &tuple.elts {
                note_receiver_attributes(element, receiver, stored);
            }
        }
        Expr::List(list) => {
            for element in &list.elts {
                note_receiver_attributes(element, receiver, stored);
            }
        }
        _ => {}
    }
}

/// Reports each import-time root with subclasses that misses a field (a
/// boundary rule: kept only in a network module).
fn finish(checker: &mut Checker) {
    let state: State = checker.rule_states.take(Rule::ErrorMissingContext);
    let hierarchy = checker.semantic.class_hierarchy();
    let mut reports = Vec::new();
    for (index, info) in hierarchy.classes().iter().enumerate() {
        if info.root != Some(ErrorRoot::Exception)
            || info.in_function
            || info.name().starts_with('_')
            || hierarchy.direct_subclasses(index).next().is_none()
        {
            continue;
        }
        let stored = state.stored.get(&index);
        let missing: Vec<&str> = CONTEXT_FIELDS
            .iter()
            .filter(|(_, names)| {
                !names
                    .iter()
                    .any(|name| stored.is_some_and(|stored| stored.contains(*name)))
            })
            .map(|(field, _)| *field)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|field| format!("`{field}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let pronoun = if missing.len() == 1 { "it" } else { "them" };
        let message = format!(
            "Base error class `{}` does not store {list}; set {pronoun} on `self` in `__init__`",
            info.name()
        );
        reports.push((message, info.class.name.range));
    }
    for (message, range) in reports {
        let diagnostic = checker
            .locator
            .diagnostic(Rule::ErrorMissingContext, message, range);
        checker.report(diagnostic);
    }
}
