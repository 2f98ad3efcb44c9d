//! # multiple-error-roots (WL403)
//!
//! *Boundary: fires only in network modules.*
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

use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL403",
    name: "multiple-error-roots",
    family: Family::Errors,
    status: Status::Stable,
    summary: "A network module defines more than one exception class deriving from `Exception`.",
    boundary: true,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Reports every public import-time root after the first (a boundary rule:
/// kept only in a network module).
fn finish(checker: &mut Checker) {
    let mut first: Option<String> = None;
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut reports = Vec::new();
    for info in checker.semantic.class_hierarchy().classes() {
        let Some(root) = info.root else {
            continue;
        };
        let name = info.name();
        if info.in_function || name.starts_with('_') || !seen.insert(name.to_string()) {
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
