//! # unbounded-gather (WL803)
//!
//! *Preview: runs only with `--preview`.*
//!
//! ## What it does
//! Flags, inside `async def`, a fan-out of client calls with no bound:
//! `asyncio.gather(*(client.get(u) for u in urls))` (a comprehension or
//! generator spawning client calls, or calls handed a client, over input
//! that is not a literal or a constant `range`), and
//! `task_group.create_task(client_call(...))` inside a loop, on an
//! `asyncio.TaskGroup`. Nothing is flagged in a file that creates a limiter
//! (`asyncio.Semaphore`, `asyncio.BoundedSemaphore`, `anyio.CapacityLimiter`,
//! `anyio.Semaphore`) anywhere, since a helper may apply it.
//!
//! ## Why is this bad?
//! One request per input item, all at once: ten thousand items open ten
//! thousand requests, exhaust the connection pool (and then fail with pool
//! timeouts), trip the upstream's rate limit, and hold every response in
//! memory together.
//!
//! ## Example
//! ```python
//! async def fetch_all(client: httpx.AsyncClient, urls: list[str]) -> list[httpx.Response]:
//!     return await asyncio.gather(*(client.get(url) for url in urls))
//! ```
//!
//! ## Use instead
//! ```python
//! async def fetch_all(client: httpx.AsyncClient, urls: list[str]) -> list[httpx.Response]:
//!     limit = asyncio.Semaphore(10)
//!
//!     async def fetch(url: str) -> httpx.Response:
//!         async with limit:
//!             return await client.get(url)
//!
//!     return await asyncio.gather(*(fetch(url) for url in urls))
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Streaming" (backpressure) and `python:performance`

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL803",
    name: "unbounded-gather",
    family: Family::Concurrency,
    status: Status::Preview,
    summary: "A fan-out of client calls over unbounded input with no concurrency limit.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Per-file state: fan-outs seen, and whether the file builds a limiter.
#[derive(Debug, Default)]
struct State {
    candidates: Vec<(TextRange, String)>,
    has_limiter: bool,
}

const LIMITERS: &[&str] = &[
    "asyncio.Semaphore",
    "asyncio.BoundedSemaphore",
    "anyio.CapacityLimiter",
    "anyio.Semaphore",
    "trio.CapacityLimiter",
];

fn state<'c>(checker: &'c mut Checker) -> &'c mut State {
    checker.rule_states.get_mut(Rule::UnboundedGather)
}

fn check(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    let qualified = checker.semantic.qualified_name(&call.func);
    if qualified
        .as_deref()
        .is_some_and(|name| LIMITERS.contains(&name))
    {
        state(checker).has_limiter = true;
        return;
    }
    if !checker.semantic.in_async_function() {
        return;
    }
    let spawned = if qualified.as_deref() == Some("asyncio.gather") {
        gathered_fan_out(checker, call)
    } else {
        task_group_spawn(checker, call)
    };
    if let Some(what) = spawned {
        state(checker).candidates.push((call.range(), what));
    }
}

/// `asyncio.gather(*(<client work> for x in <unbounded>))`.
fn gathered_fan_out(checker: &Checker, call: &ExprCall) -> Option<String> {
    call.arguments.args.iter().find_map(|argument| {
        let Expr::Starred(starred) = argument else {
            return None;
        };
        let (element, generators) = match starred.value.as_ref() {
            Expr::Generator(generator) => (&*generator.elt, &generator.generators),
            Expr::ListComp(comprehension) => (&*comprehension.elt, &comprehension.generators),
            _ => return None,
        };
        let source = &generators.first()?.iter;
        (is_client_work(checker, element) && !is_bounded(checker, source))
            .then(|| "`asyncio.gather(...)` over a comprehension".to_string())
    })
}

/// `tg.create_task(<client work>)` in a loop, `tg` an `asyncio.TaskGroup`.
fn task_group_spawn(checker: &Checker, call: &ExprCall) -> Option<String> {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    if attribute.attr.as_str() != "create_task" || !checker.semantic.in_loop() {
        return None;
    }
    let receiver = attribute.value.as_name_expr()?;
    let context = checker.semantic.lookup(receiver.id.as_str())?.value?;
    let Expr::Call(context_call) = context else {
        return None;
    };
    if checker
        .semantic
        .qualified_name(&context_call.func)
        .as_deref()
        != Some("asyncio.TaskGroup")
    {
        return None;
    }
    let spawned = call.arguments.args.first()?;
    is_client_work(checker, spawned).then(|| "`create_task(...)` in a loop".to_string())
}

/// A client call, or a call handed a client.
fn is_client_work(checker: &Checker, expr: &Expr) -> bool {
    let expr = match expr {
        Expr::Await(await_expr) => &await_expr.value,
        expr => expr,
    };
    let Expr::Call(call) = expr else {
        return false;
    };
    checker.semantic.client_call_receiver(call).is_some()
        || call
            .arguments
            .args
            .iter()
            .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
            .any(|argument| checker.semantic.client_value(argument).is_some())
}

/// A literal collection or `range(<constants>)`: its size is known.
fn is_bounded(checker: &Checker, source: &Expr) -> bool {
    match source {
        Expr::List(_) | Expr::Tuple(_) | Expr::Set(_) => true,
        Expr::Call(call) => {
            checker.semantic.builtin_name(&call.func) == Some("range")
                && call
                    .arguments
                    .args
                    .iter()
                    .all(|argument| checker.semantic.is_numeric_constant(argument))
        }
        _ => false,
    }
}

fn finish(checker: &mut Checker) {
    let state: State = checker.rule_states.take(Rule::UnboundedGather);
    if state.has_limiter {
        return;
    }
    for (range, what) in state.candidates {
        let message = format!(
            "{what} spawns client calls with no bound; limit concurrency with `asyncio.Semaphore`"
        );
        let diagnostic = checker
            .locator
            .diagnostic(Rule::UnboundedGather, message, range);
        checker.report(diagnostic);
    }
}
