//! # lazy-global-client (WL102)
//!
//! ## What it does
//! Flags a function that creates a network client and stores it in a module
//! global (`global _client` … `_client = httpx.Client()`), and a
//! `functools.cache` / `functools.lru_cache` function that returns a new
//! client.
//!
//! Per-instance caching is left alone: `@functools.cached_property`, or a
//! property that stores the client on `self` (`self._client = ...`), keeps
//! the client on the instance that owns it, not in a hidden global, and the
//! instance can close it.
//!
//! ## Why is this bad?
//! A lazily created global hides the client's lifecycle: nobody owns closing
//! it, tests share its state, configuration is frozen by whichever call came
//! first, and it cannot be injected. A cached factory is the same global
//! with extra steps. The policy asks for the client to be constructed
//! explicitly, threaded as a dependency, and closed deterministically.
//!
//! ## Example
//! ```python
//! import httpx
//!
//! _client: httpx.Client | None = None
//!
//! def get_client() -> httpx.Client:
//!     global _client
//!     if _client is None:
//!         _client = httpx.Client()
//!     return _client
//! ```
//!
//! ## Use instead
//! ```python
//! import httpx
//!
//! def main() -> None:
//!     with httpx.Client() as client:
//!         run(client)
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Non-negotiables" and "Anti-Patterns"

use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef, StmtReturn};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::callee_text;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, CallUse, ScopeId};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL102",
    name: "lazy-global-client",
    family: Family::Lifecycle,
    status: Status::Stable,
    summary: "A function lazily creates a client into a module global or a cache.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_global_store),
        stmt: Some(check_cached_return),
        enter_function: Some(note_cached_function),
        ..Hooks::NONE
    },
};

/// Cached functions (scope) → their cache decorator's range.
type CachedFunctions = FxHashMap<ScopeId, TextRange>;

/// `global name` … `name = Client()` inside a function.
fn check_global_store(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if !matches!(target, Some(CallTarget::ClientConstructor(_)))
        || checker.semantic.call_use(call) != Some(CallUse::AssignedToGlobal)
    {
        return;
    }
    let message = format!(
        "`{}(...)` is created lazily into a module global; construct it explicitly and pass it in",
        callee_text(checker, call)
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::LazyGlobalClient, message, call.range());
    checker.report(diagnostic);
}

/// Notes a function decorated with `functools.cache` / `lru_cache`.
fn note_cached_function(checker: &mut Checker, function: &StmtFunctionDef) {
    let Some(function_scope) = checker.semantic.current_function_scope() else {
        return;
    };
    for decorator in &function.decorator_list {
        let callee = match &decorator.expression {
            Expr::Call(call) => call.func.as_ref(),
            expression => expression,
        };
        let qualified = checker.semantic.qualified_name(callee);
        if matches!(
            qualified.as_deref(),
            Some("functools.cache" | "functools.lru_cache")
        ) {
            let range = decorator.range();
            checker
                .rule_states
                .get_mut::<CachedFunctions>(Rule::LazyGlobalClient)
                .insert(function_scope, range);
        }
    }
}

/// `return Client(...)` (or a name bound to one) in a cached function.
fn check_cached_return(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Return(StmtReturn {
        value: Some(value), ..
    }) = stmt
    else {
        return;
    };
    let Some(function) = checker.semantic.current_function_scope() else {
        return;
    };
    let cached = checker
        .rule_states
        .get_mut::<CachedFunctions>(Rule::LazyGlobalClient);
    let Some(&decorator) = cached.get(&function) else {
        return;
    };
    if checker.semantic.client_value(value).is_none() {
        return;
    }
    checker
        .rule_states
        .get_mut::<CachedFunctions>(Rule::LazyGlobalClient)
        .remove(&function);
    let message = format!(
        "`{}` caches a client in a hidden global; construct it explicitly and pass it in",
        checker.locator.slice(decorator)
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::LazyGlobalClient, message, decorator);
    checker.report(diagnostic);
}
