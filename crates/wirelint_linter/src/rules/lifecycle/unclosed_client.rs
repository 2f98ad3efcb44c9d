//! # unclosed-client (WL104)
//!
//! ## What it does
//! Flags a network client constructed inside a function that the function
//! neither uses as the context of `with` / `async with`, nor closes
//! (`close()` / `aclose()` on it, in a `finally` or later in the body), nor
//! hands on: returns or yields it, stores it on `self` or in any attribute,
//! subscript or container, passes it to another call (`Service(client)`,
//! `stack.enter_context(client)`, `atexit.register(client.close)`), or lets
//! a nested function capture it.
//!
//! ## Why is this bad?
//! An unclosed client leaks its connection pool: sockets stay open until the
//! garbage collector gets to them (and in async code, never cleanly), and
//! the interpreter warns about unclosed transports at exit. The policy asks
//! for deterministic closing through `with` / `async with` or an explicit
//! `close()` / `aclose()`.
//!
//! ## Example
//! ```python
//! def fetch(url: str) -> bytes:
//!     client = httpx.Client()
//!     return client.get(url).content
//! ```
//!
//! ## Use instead
//! ```python
//! def fetch(url: str) -> bytes:
//!     with httpx.Client() as client:
//!         return client.get(url).content
//! ```
//!
//! ## References
//! - `policy/library-patterns.md`, "Non-negotiables"

use ruff_python_ast::{ExprCall, ExprName};
use ruff_text_size::Ranged;

use super::CallUse;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::rules::timeouts::callee_text;
use crate::semantic::ScopeKind;

/// Called for every client constructor: a call with no owner is reported at
/// once; one assigned to a local waits for the end of the file.
pub fn check(checker: &mut Checker, call: &ExprCall, call_use: Option<CallUse>) {
    if !matches!(
        checker.semantic.current_function(),
        Some(ScopeKind::Function { .. })
    ) {
        // Module level, class bodies and lambdas are other rules' business.
        return;
    }
    if call_use.is_none() {
        report(checker, call.range(), &callee_text(checker, call));
    }
}

/// `name = Client(...)` inside a function.
pub fn note_candidate(checker: &mut Checker, name: &str, call: &ExprCall) {
    let Some(function) = checker.semantic.current_function_scope() else {
        return;
    };
    if checker.semantic.constructed_client(call).is_none() {
        return;
    }
    let callee = callee_text(checker, call);
    checker.rule_state.lifecycle.unclosed_candidates.push((
        function,
        name.to_string(),
        call.range(),
        callee,
    ));
}

/// The local `name` was closed or handed on.
pub fn release(checker: &mut Checker, name: &str) {
    if let Some(function) = checker.semantic.current_function_scope() {
        checker
            .rule_state
            .lifecycle
            .released_names
            .insert((function, name.to_string()));
    }
}

/// A name loaded in a nested function that belongs to an enclosing
/// function: the client is captured, so its owner is not known.
pub fn note_closure_use(checker: &mut Checker, name: &ExprName) {
    let Some(current) = checker.semantic.current_function_scope() else {
        return;
    };
    if let Some((scope, _)) = checker.semantic.lookup_with_scope(name.id.as_str())
        && scope != current
        && scope != 0
    {
        checker
            .rule_state
            .lifecycle
            .released_names
            .insert((scope, name.id.to_string()));
    }
}

pub fn finish(checker: &mut Checker) {
    let candidates = std::mem::take(&mut checker.rule_state.lifecycle.unclosed_candidates);
    for (function, name, range, callee) in candidates {
        if !checker
            .rule_state
            .lifecycle
            .released_names
            .contains(&(function, name))
        {
            report(checker, range, &callee);
        }
    }
}

fn report(checker: &mut Checker, range: ruff_text_size::TextRange, callee: &str) {
    let message = format!(
        "`{callee}(...)` is never closed; use `with` / `async with`, or close it in a `finally`"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::UnclosedClient, message, range);
    checker.report(diagnostic);
}
