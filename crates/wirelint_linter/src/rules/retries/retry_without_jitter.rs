//! # retry-without-jitter (WL302)
//!
//! ## What it does
//! Flags retries whose back-off has no random component:
//! - in a retry loop (see WL301), a sleep between attempts (`time.sleep`,
//!   `asyncio.sleep`, `anyio.sleep`, `trio.sleep`) whose delay is built only
//!   from numbers, constants and attempt counters: `time.sleep(1)`,
//!   `time.sleep(2 ** attempt)`, or a local variable assigned such a value;
//! - tenacity `wait=` built only from `wait_fixed`, `wait_exponential`,
//!   `wait_incrementing` or `wait_none` (no `wait_random*` term);
//! - tenacity `retry`/`Retrying`/`AsyncRetrying` with no `wait=` at all: it
//!   retries at once;
//! - `backoff.on_exception(..., jitter=None)` / `on_predicate(..., jitter=None)`;
//! - a retry loop with no back-off at all, reported at its header: nothing
//!   in the loop body sleeps or may wait (no call named like `sleep`,
//!   `wait`, `backoff`, `delay`, `pause` or `throttle`), it allows more
//!   than one retry (not `range(2)` or fewer attempts), and every failure
//!   it retries is transient: its handlers catch only transient errors
//!   (`httpx.TransportError`, `requests.ConnectionError`, `TimeoutError`,
//!   an SDK's `APIConnectionError` or `RateLimitError`...) and its status
//!   branches send the request again only after 408, 429 or 5xx.
//!
//! The sleeps judged are the ones between attempts: in a handler that lets
//! the loop go on, after a `try` that leaves the loop on success, and, in a
//! loop that decides by the response's status (see WL301), on the failure
//! path: `if r.status >= 500: time.sleep(1 + tries * 2); continue`, in the
//! `try` body or outside it.
//!
//! A delay that involves `random.*`, `secrets.*` or a jitter helper (a name
//! containing `jitter` or `random`) passes, directly or through a local
//! variable. A delay the model cannot see into (`self.delay`, a value read
//! from a `Retry-After` header, a parameter without a numeric default) is
//! not flagged.
//!
//! No fix: adding jitter changes the timing.
//!
//! ## Why is this bad?
//! Clients that failed together retry together: a fixed or purely
//! exponential schedule sends every retry of an outage at the same instants,
//! a thundering herd that keeps the upstream down. Jitter spreads them out.
//!
//! ## Example
//! ```python
//! for attempt in range(max_attempts):
//!     try:
//!         return await client.get(url)
//!     except httpx.TransportError:
//!         if attempt == max_attempts - 1:
//!             raise
//!         await asyncio.sleep(2**attempt)
//!
//! @retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=0.5))
//! def fetch(): ...
//! ```
//!
//! ## Use instead
//! ```python
//! for attempt in range(max_attempts):
//!     try:
//!         return await client.get(url)
//!     except httpx.TransportError:
//!         if attempt == max_attempts - 1:
//!             raise
//!         await asyncio.sleep(random.uniform(0.0, min(30.0, 0.5 * 2**attempt)))
//!
//! @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(multiplier=0.5, max=30))
//! def fetch(): ...
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (exponential with jitter)
//! - AWS Architecture Blog, "Exponential Backoff And Jitter"

use ruff_python_ast::{Expr, ExprCall, Operator, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::retries::{bare_tenacity_decorators, settled_loops, visible_retry_api};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::names::MAX_EXPR_DEPTH;
use crate::semantic::retry::{Randomness, RetryApi};
use crate::semantic::retry_loops::{RetryLoop, StatusSet};
use crate::semantic::{BindingKind, CallTarget, SemanticModel};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL302",
    name: "retry-without-jitter",
    family: Family::Retries,
    status: Status::Stable,
    summary: "A retry backs off with no random component, or not at all.",
    boundary: false,
    markers: &[
        Marker::NetworkImport,
        Marker::Word("tenacity"),
        Marker::Word("backoff"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_decorators),
        call: Some(check_call),
        leave_body: Some(check_loops),
        ..Hooks::NONE
    },
};

/// Judges the retry loops of the body just visited.
fn check_loops(checker: &mut Checker) {
    for retry_loop in settled_loops(checker) {
        check_loop(checker, &retry_loop);
    }
}

fn check_loop(checker: &mut Checker, retry_loop: &RetryLoop) {
    if retries_transient_failures_at_once(retry_loop) {
        let message = format!(
            "Retry loop `{}` sends the request again at once after a transient failure: \
             sleep a random share of an exponential delay between attempts \
             (`random.uniform(0, min(cap, base * 2**attempt))`)",
            snippet(checker, retry_loop.header)
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::RetryWithoutJitter, message, retry_loop.header);
        checker.report(diagnostic);
    }
    for sleep in &retry_loop.backoff_sleeps {
        if sleep.randomness != Some(Randomness::Fixed) {
            continue;
        }
        let message = format!(
            "Retry back-off `{}` has no random component: sleep a random share of the \
             delay instead (full jitter: `random.uniform(0, delay)`)",
            snippet(checker, sleep.range)
        );
        let diagnostic = checker
            .locator
            .diagnostic(Rule::RetryWithoutJitter, message, sleep.range);
        checker.report(diagnostic);
    }
}

/// Exceptions that report a transient failure (a dropped connection, a
/// timeout, a rate limit, an overloaded server), by their class name in a
/// network library or the builtins.
const TRANSIENT_ERRORS: &[&str] = &[
    "TransportError",
    "NetworkError",
    "ConnectError",
    "ConnectTimeout",
    "ReadTimeout",
    "WriteTimeout",
    "PoolTimeout",
    "TimeoutException",
    "ReadError",
    "WriteError",
    "RemoteProtocolError",
    "ConnectionError",
    "Timeout",
    "ChunkedEncodingError",
    "ClientConnectionError",
    "ClientConnectorError",
    "ServerDisconnectedError",
    "ServerTimeoutError",
    "APIConnectionError",
    "APITimeoutError",
    "RateLimitError",
    "InternalServerError",
    "ServiceUnavailableError",
    "TimeoutError",
    "ConnectionResetError",
    "ConnectionRefusedError",
    "ConnectionAbortedError",
    "NewConnectionError",
];

/// Whether a caught class (as the model resolved it) is a transient error
/// of a network library or the builtins.
fn is_transient_error(class: &str) -> bool {
    let (module, name) = class.rsplit_once('.').unwrap_or(("", class));
    let library = module.split('.').next().unwrap_or_default();
    let known_module = module.is_empty()
        || matches!(
            library,
            "httpx" | "requests" | "aiohttp" | "urllib3" | "openai" | "anthropic" | "builtins"
        );
    known_module && TRANSIENT_ERRORS.contains(&name)
}

/// A retry loop with no back-off at all: nothing in its body sleeps or may
/// wait, it allows more than one retry, and every failure it retries is
/// transient (a handler catching only transient errors, a status branch
/// retrying only 408, 429 and 5xx). A single immediate retry (a stale
/// pooled connection) and a retry after refreshing credentials are left
/// alone.
fn retries_transient_failures_at_once(retry_loop: &RetryLoop) -> bool {
    if retry_loop.waits || retry_loop.attempts.is_some_and(|attempts| attempts <= 2) {
        return false;
    }
    if retry_loop.handlers.is_empty() && retry_loop.status_retries.is_empty() {
        return false;
    }
    let transient = StatusSet::range(500, 600)
        .union(StatusSet::range(408, 409))
        .union(StatusSet::range(429, 430));
    retry_loop.handlers.iter().all(|handler| {
        !handler.caught.classes.is_empty()
            && handler
                .caught
                .classes
                .iter()
                .all(|class| is_transient_error(class))
    }) && retry_loop.status_retries.iter().all(|status_retry| {
        !status_retry.retried.is_empty()
            && status_retry.retried.intersect(transient) == status_retry.retried
    })
}

fn check_decorators(checker: &mut Checker, stmt: &Stmt) {
    for range in bare_tenacity_decorators(checker, stmt) {
        report_missing_wait(checker, range, "@retry");
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(api) = visible_retry_api(checker, call, target)
        && !checker.semantic.never_retries(call, api)
    {
        check_retry_call(checker, call, api);
    }
}

fn check_retry_call(checker: &mut Checker, call: &ExprCall, api: RetryApi) {
    if api.is_tenacity() {
        match call.arguments.find_keyword("wait") {
            None => {
                let name = format!("{}(...)", snippet(checker, call.func.range()));
                report_missing_wait(checker, call.range(), &name);
            }
            Some(wait) => {
                if tenacity_wait_randomness(&checker.semantic, &wait.value, 0) == Randomness::Fixed
                {
                    let message = format!(
                        "`wait={}` has no random component: use `wait_random_exponential(...)` \
                         or add `+ wait_random(0, 1)`",
                        snippet(checker, wait.value.range())
                    );
                    let diagnostic = checker.locator.diagnostic(
                        Rule::RetryWithoutJitter,
                        message,
                        wait.value.range(),
                    );
                    checker.report(diagnostic);
                }
            }
        }
    } else if api.is_backoff()
        && let Some(jitter) = call.arguments.find_keyword("jitter")
        && jitter.value.is_none_literal_expr()
    {
        let message = "`jitter=None` turns off backoff's jitter: remove it (the default is \
                       full jitter)"
            .to_string();
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::RetryWithoutJitter, message, jitter.range());
        checker.report(diagnostic);
    }
}

/// A tenacity retry with no `wait=`: `name` is how the message shows it.
fn report_missing_wait(checker: &mut Checker, range: TextRange, name: &str) {
    let message = format!(
        "`{name}` has no `wait=`: tenacity retries immediately; add \
         `wait=wait_random_exponential(multiplier=0.5, max=30)`"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::RetryWithoutJitter, message, range);
    checker.report(diagnostic);
}

/// Whether a tenacity wait strategy has a random term: `Fixed` when built
/// only from `wait_fixed`/`wait_exponential`/`wait_incrementing`/`wait_none`.
fn tenacity_wait_randomness(semantic: &SemanticModel, expr: &Expr, depth: u32) -> Randomness {
    if depth > MAX_EXPR_DEPTH {
        return Randomness::Unknown;
    }
    match expr {
        Expr::Call(call) => match semantic.tenacity_helper(&call.func).as_deref() {
            Some(
                "wait_random"
                | "wait_random_exponential"
                | "wait_full_jitter"
                | "wait_exponential_jitter",
            ) => Randomness::Random,
            Some("wait_fixed" | "wait_none" | "wait_exponential" | "wait_incrementing") => {
                Randomness::Fixed
            }
            Some("wait_chain" | "wait_combine") if !call.arguments.args.is_empty() => call
                .arguments
                .args
                .iter()
                .fold(Randomness::Fixed, |found, wait| {
                    found.join(tenacity_wait_randomness(semantic, wait, depth + 1))
                }),
            _ => Randomness::Unknown,
        },
        Expr::BinOp(binop) if binop.op == Operator::Add => {
            tenacity_wait_randomness(semantic, &binop.left, depth + 1)
                .join(tenacity_wait_randomness(semantic, &binop.right, depth + 1))
        }
        Expr::Name(name) => match semantic.lookup(name.id.as_str()) {
            Some(binding)
                if binding.kind == BindingKind::Assignment && binding.times_bound == 1 =>
            {
                binding.value.map_or(Randomness::Unknown, |value| {
                    tenacity_wait_randomness(semantic, value, depth + 1)
                })
            }
            _ => Randomness::Unknown,
        },
        _ => Randomness::Unknown,
    }
}
