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
//! A sub-resource keeps its client alive, so storing or returning one hands
//! the client on too: `self.client = openai.OpenAI(**kw).completions`,
//! `values["client"] = openai.OpenAI().embeddings`, `return client.chat`.
//! So does a chained assignment that also stores the client,
//! `self.session = session = requests.Session()`. A name bound to a
//! sub-resource (`chat = OpenAI().chat`) is judged like the client itself.
//!
//! An SDK client built around an HTTP client it did not create
//! (`AzureOpenAI(http_client=shared_session)`, or a fallback such as
//! `shared or httpx.Client()`) is left alone: it owns no pool of its own,
//! and closing it would close a pool others share. Only
//! `http_client=httpx.Client()`, or a name bound to a client built in the
//! same function, makes the wrapper the owner.
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
//! - `docs/policy.md`, "Non-negotiables"

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::callee_text;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{BindingKind, CallTarget, CallUse, ScopeId, ScopeKind};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL104",
    name: "unclosed-client",
    family: Family::Lifecycle,
    status: Status::Stable,
    summary: "A client built in a function is never closed, returned or handed on.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Called for every client constructor: a call with no owner is reported at
/// once; one assigned to a local waits for the end of the file, when the
/// model knows whether the local was closed or handed on.
/// Clients assigned to locals: (function scope, local name, constructor
/// call, callee), settled at the end of the file.
type Candidates = Vec<(ScopeId, String, TextRange, String)>;

fn check(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if !matches!(target, Some(CallTarget::ClientConstructor(_))) {
        return;
    }
    if wraps_injected_http_client(checker, call) {
        return;
    }
    let call_use = checker.semantic.call_use(call);
    if !matches!(
        checker.semantic.current_function(),
        Some(ScopeKind::Function { .. })
    ) {
        // Module level, class bodies and lambdas are other rules' business.
        return;
    }
    match call_use {
        None => report(checker, call.range(), &callee_text(checker, call)),
        Some(CallUse::AssignedTo) => {
            let (Some(function), Some(name)) = (
                checker.semantic.current_function_scope(),
                checker.semantic.assigned_name(call),
            ) else {
                return;
            };
            let candidate = (
                function,
                name.to_string(),
                call.range(),
                callee_text(checker, call),
            );
            checker
                .rule_states
                .get_mut::<Candidates>(Rule::UnclosedClient)
                .push(candidate);
        }
        Some(_) => {}
    }
}

/// `OpenAI(http_client=shared)`: an SDK client built around an HTTP client
/// it did not create owns no pool of its own, and closing it would close the
/// pool its owner still shares. Only an HTTP client built in this very call
/// or function (`http_client=httpx.Client()`) makes the wrapper the owner.
fn wraps_injected_http_client(checker: &Checker, call: &ExprCall) -> bool {
    let Some(keyword) = call.arguments.find_keyword("http_client") else {
        return false;
    };
    let semantic = &checker.semantic;
    let fresh = match &keyword.value {
        Expr::NoneLiteral(_) => true,
        Expr::Call(inner) => semantic.constructed_client(inner).is_some(),
        Expr::Name(name) => {
            semantic
                .lookup_with_scope(name.id.as_str())
                .is_some_and(|(scope, binding)| {
                    Some(scope) == semantic.current_function_scope()
                        && binding.kind == BindingKind::Assignment
                        && binding.value.is_some_and(|value| {
                            value
                                .as_call_expr()
                                .is_some_and(|inner| semantic.constructed_client(inner).is_some())
                        })
                })
        }
        _ => false,
    };
    !fresh
}

fn finish(checker: &mut Checker) {
    let candidates: Candidates = checker.rule_states.take(Rule::UnclosedClient);
    for (function, name, range, callee) in candidates {
        if !checker.semantic.is_released(function, &name) {
            report(checker, range, &callee);
        }
    }
}

fn report(checker: &mut Checker, range: TextRange, callee: &str) {
    let message = format!(
        "`{callee}(...)` is never closed; use `with` / `async with`, or close it in a `finally`"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::UnclosedClient, message, range);
    checker.report(diagnostic);
}
