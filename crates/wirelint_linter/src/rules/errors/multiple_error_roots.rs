//! # multiple-error-roots (WL403)
//!
//! *Boundary: fires only in network modules.*
//!
//! *Preview: in application code a module often defines signals that are
//! raised in one module and caught in another (a guardrail's "answer with
//! this response instead", a wrapper routed to the web framework's
//! exception handler). They derive from `Exception` on purpose and are not
//! errors an API caller catches, and a single file does not show it: the
//! field check judged 3 of 15 sampled hits so. The rule stays in preview
//! until it can tell them apart.*
//!
//! ## What it does
//! Flags a network module that defines two or more exception classes
//! deriving directly from `Exception` or `BaseException`. The first root (in
//! source order) is taken as the project's base; each later root is
//! reported at its class name.
//!
//! Counted are classes defined at import time (module level or in a class
//! body, not inside a function) whose name is public: a private
//! `_StopPolling(Exception)` used for control flow inside the module never
//! reaches a caller. A class defined twice under one name (in both branches
//! of an `if`) counts once.
//!
//! Not counted either: a public class the module uses only as internal
//! control flow. The module raises it (`raise Throttled(...)`) and catches
//! it by name (`except Throttled:`), it is not listed in `__all__`, and
//! every raise of it stays in the module: it sits in a `try` body whose own
//! handler catches it (and does not raise it again), or in a private
//! function or method (`_fetch_token`, not a dunder). A class raised or
//! caught only in other modules (a signal shared across a package) still
//! counts: the model sees one file at a time.
//!
//! ## Why is this bad?
//! Callers should be able to write one `except ServiceError:` to handle
//! everything the client raises. Each extra root is an error that escapes
//! that clause, and a caller only finds out in production.
//!
//! ## Example
//! ```python
//! class ServiceError(Exception): ...
//!
//! class RateLimited(Exception): ...
//! ```
//!
//! ## Use instead
//! ```python
//! class ServiceError(Exception): ...
//!
//! class RateLimited(ServiceError): ...
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Error Hierarchy"

use ruff_python_ast::{Expr, Stmt};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::exceptions::handler_types;
use crate::semantic::handlers::reraises_caught;
use crate::semantic::statements::Part;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL403",
    name: "multiple-error-roots",
    family: Family::Errors,
    status: Status::Preview,
    summary: "A network module defines more than one exception class deriving from `Exception`.",
    boundary: true,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(note_stmt),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// How the module uses each exception name it raises or catches.
#[derive(Debug, Default)]
struct Uses {
    /// Raises by name: whether every raise so far stays in the module.
    raised: FxHashMap<String, bool>,
    /// Names caught by an `except` clause.
    caught: FxHashSet<String>,
    /// Names listed in `__all__`.
    exported: FxHashSet<String>,
}

/// The class name an expression names: `Name`, `module.Name`, `Name(...)`.
fn named_class(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Call(call) => named_class(&call.func),
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

fn note_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Raise(raise) => {
            let Some(class) = raise.exc.as_deref().and_then(named_class) else {
                return;
            };
            let stays = raise_stays_in_module(checker, class);
            let uses = checker
                .rule_states
                .get_mut::<Uses>(Rule::MultipleErrorRoots);
            let entry = uses.raised.entry(class.to_string()).or_insert(true);
            *entry &= stays;
        }
        Stmt::Try(stmt_try) => {
            let names: Vec<String> = stmt_try
                .handlers
                .iter()
                .filter_map(|handler| {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    handler.type_.as_deref()
                })
                .flat_map(handler_types)
                .filter_map(named_class)
                .map(str::to_string)
                .collect();
            if !names.is_empty() {
                checker
                    .rule_states
                    .get_mut::<Uses>(Rule::MultipleErrorRoots)
                    .caught
                    .extend(names);
            }
        }
        Stmt::Assign(_) | Stmt::AugAssign(_) | Stmt::AnnAssign(_) => note_exports(checker, stmt),
        _ => {}
    }
}

/// `__all__ = [...]`, `__all__ += [...]`: the names the module exports.
fn note_exports(checker: &mut Checker, stmt: &Stmt) {
    let (target, value) = match stmt {
        Stmt::Assign(assign) => match &*assign.targets {
            [target] => (target, assign.value.as_ref()),
            _ => return,
        },
        Stmt::AugAssign(aug_assign) => (aug_assign.target.as_ref(), aug_assign.value.as_ref()),
        Stmt::AnnAssign(ann_assign) => match &ann_assign.value {
            Some(value) => (ann_assign.target.as_ref(), value.as_ref()),
            None => return,
        },
        _ => return,
    };
    if target
        .as_name_expr()
        .is_none_or(|name| name.id.as_str() != "__all__")
        || checker.semantic.current_function_scope().is_some()
    {
        return;
    }
    let elements: &[Expr] = match value {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => return,
    };
    let names: Vec<String> = elements
        .iter()
        .filter_map(Expr::as_string_literal_expr)
        .map(|literal| literal.value.to_str().to_string())
        .collect();
    checker
        .rule_states
        .get_mut::<Uses>(Rule::MultipleErrorRoots)
        .exported
        .extend(names);
}

/// Whether a raise of `class` stays in the module: a handler of an
/// enclosing `try` (in the same function) catches it by name and does not
/// raise it again, or the raise is in a private function or method.
fn raise_stays_in_module(checker: &Checker, class: &str) -> bool {
    let caught_here = checker
        .semantic
        .statements
        .tries()
        .filter(|(_, part)| *part == Part::Body)
        .any(|(stmt_try, _)| {
            stmt_try.handlers.iter().any(|handler| {
                let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                let catches = handler.type_.as_deref().is_some_and(|type_| {
                    handler_types(type_).any(|caught| named_class(caught) == Some(class))
                });
                catches && !reraises_caught(handler)
            })
        });
    let private = checker
        .semantic
        .statements
        .function()
        .is_some_and(|function| {
            let name = function.name.as_str();
            name.starts_with('_') && !(name.starts_with("__") && name.ends_with("__"))
        });
    caught_here || private
}

/// Reports every public import-time root after the first (a boundary rule:
/// kept only in a network module). Classes used only as the module's own
/// control flow are left out.
fn finish(checker: &mut Checker) {
    let uses: Uses = checker.rule_states.take(Rule::MultipleErrorRoots);
    let internal = |name: &str| {
        uses.raised.get(name).copied().unwrap_or(false)
            && uses.caught.contains(name)
            && !uses.exported.contains(name)
    };
    let mut first: Option<String> = None;
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut reports = Vec::new();
    for info in checker.semantic.class_hierarchy().classes() {
        let Some(root) = info.root else {
            continue;
        };
        let name = info.name();
        if info.in_function
            || name.starts_with('_')
            || internal(name)
            || !seen.insert(name.to_string())
        {
            continue;
        }
        match &first {
            None => first = Some(name.to_string()),
            Some(base) => {
                let message = format!(
                    "`{name}` is a second exception root (it derives from `{}`) beside \
                     `{base}`; derive it from `{base}` so callers can catch one base",
                    root.name()
                );
                reports.push((message, info.class.name.range));
            }
        }
    }
    for (message, range) in reports {
        let diagnostic = checker
            .locator
            .diagnostic(Rule::MultipleErrorRoots, message, range);
        checker.report(diagnostic);
    }
}
