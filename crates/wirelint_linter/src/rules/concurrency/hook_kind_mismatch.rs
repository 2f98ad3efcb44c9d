//! # hook-kind-mismatch (WL801)
//!
//! ## What it does
//! Flags an httpx event hook of the wrong kind for its client:
//! `httpx.AsyncClient(event_hooks=...)` given a plain `def` (or a `lambda`),
//! or `httpx.Client(event_hooks=...)` given an `async def`. Hooks are
//! resolved when they are functions defined in the same module and the
//! `event_hooks` mapping is a literal (or a name bound to one).
//!
//! ## Why is this bad?
//! httpx calls sync hooks from `Client` and awaits hooks from `AsyncClient`.
//! A mismatch is not caught when the client is built: it fails at the first
//! request, in production, with a confusing error (`object NoneType can't be
//! used in 'await' expression`, or a coroutine that is never awaited and a
//! hook that silently never runs).
//!
//! ## Example
//! ```python
//! def log_request(request: httpx.Request) -> None:
//!     logger.info("request.send", extra={"url": str(request.url)})
//!
//! client = httpx.AsyncClient(event_hooks={"request": [log_request]})
//! ```
//!
//! ## Use instead
//! ```python
//! async def log_request(request: httpx.Request) -> None:
//!     logger.info("request.send", extra={"url": str(request.url)})
//!
//! client = httpx.AsyncClient(event_hooks={"request": [log_request]})
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Observability"

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{BindingKind, CallTarget, ClientClass, Library};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL801",
    name: "hook-kind-mismatch",
    family: Family::Concurrency,
    status: Status::Stable,
    summary: "An httpx event hook's kind (sync or async) does not match its client.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(CallTarget::ClientConstructor(client)) = target {
        check(checker, call, *client);
    }
}

fn check(checker: &mut Checker, call: &ExprCall, client: ClientClass) {
    if client.library != Library::Httpx {
        return;
    }
    let Some(keyword) = call.arguments.find_keyword("event_hooks") else {
        return;
    };
    let hooks = match &keyword.value {
        Expr::Name(name) => match checker
            .semantic
            .lookup(name.id.as_str())
            .and_then(|b| b.value)
        {
            Some(value) => value,
            None => return,
        },
        value => value,
    };
    let Expr::Dict(dict) = hooks else {
        return;
    };
    let mut mismatches = Vec::new();
    for item in dict {
        let (Expr::List(ruff_python_ast::ExprList { elts, .. })
        | Expr::Tuple(ruff_python_ast::ExprTuple { elts, .. })) = &item.value
        else {
            continue;
        };
        for hook in elts {
            let hook_is_async = match hook {
                Expr::Lambda(_) => Some(false),
                Expr::Name(name) => {
                    match checker.semantic.lookup(name.id.as_str()).map(|b| &b.kind) {
                        Some(BindingKind::Function { is_async }) => Some(*is_async),
                        _ => None,
                    }
                }
                _ => None,
            };
            if hook_is_async.is_some_and(|is_async| is_async != client.is_async) {
                mismatches.push(hook.range());
            }
        }
    }
    for range in mismatches {
        let hook = checker.locator.slice(range).to_string();
        let message = if client.is_async {
            format!("`httpx.AsyncClient` awaits its event hooks, but `{hook}` is not `async def`")
        } else {
            format!(
                "`httpx.Client` calls its event hooks synchronously, but `{hook}` is `async def`"
            )
        };
        let diagnostic = checker
            .locator
            .diagnostic(Rule::HookKindMismatch, message, range);
        checker.report(diagnostic);
    }
}
