//! # implicit-module-client (WL103)
//!
//! ## What it does
//! Flags a function or method body that uses a module-level name bound to a
//! network client instead of taking the client as a parameter. Reported at
//! the first use in each function. A function that declares the name
//! `global` (a lazy getter or a shutdown hook, which WL102 judges) is not
//! flagged.
//!
//! ## Why is this bad?
//! The function's dependency is invisible in its signature: tests must patch
//! the module to replace the client, every caller shares one connection pool
//! and configuration, and the client's lifetime is tied to the import. The
//! policy asks public functions that talk to a service to take a typed
//! client (or a `Protocol`) as their first dependency.
//!
//! ## Example
//! ```python
//! import httpx
//!
//! http = httpx.Client(base_url="https://api.example.com")
//!
//! def get_item(item_id: str) -> dict:
//!     return http.get(f"/items/{item_id}").json()
//! ```
//!
//! ## Use instead
//! ```python
//! import httpx
//!
//! def get_item(http: httpx.Client, item_id: str) -> dict:
//!     return http.get(f"/items/{item_id}").json()
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Non-negotiables"

use ruff_python_ast::{ExprContext, ExprName};
use ruff_text_size::Ranged;
use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{BindingKind, ScopeId};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL103",
    name: "implicit-module-client",
    family: Family::Lifecycle,
    status: Status::Stable,
    summary: "A function reaches for a module-level client instead of taking it as a parameter.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        name: Some(check),
        ..Hooks::NONE
    },
};

/// Functions already reported.
type Reported = FxHashSet<ScopeId>;

fn check(checker: &mut Checker, name: &ExprName) {
    if name.ctx != ExprContext::Load || !checker.semantic.module_has_client_bindings() {
        return;
    }
    let Some(function) = checker.semantic.current_function_scope() else {
        return;
    };
    if checker
        .rule_states
        .get_mut::<Reported>(Rule::ImplicitModuleClient)
        .contains(&function)
    {
        return;
    }
    let id = name.id.as_str();
    if checker.semantic.is_declared_global(id) {
        return;
    }
    let Some((0, binding)) = checker.semantic.lookup_with_scope(id) else {
        return;
    };
    if binding.client.is_none() || binding.kind != BindingKind::Assignment {
        return;
    }
    checker
        .rule_states
        .get_mut::<Reported>(Rule::ImplicitModuleClient)
        .insert(function);
    let message = format!(
        "Function uses the module-level client `{id}`; take the client as a parameter instead"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::ImplicitModuleClient, message, name.range());
    checker.report(diagnostic);
}
