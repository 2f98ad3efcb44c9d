//! WL3: retries. Retry loops with no bound, no jitter or no classification,
//! retry decorators and policies (tenacity, backoff, urllib3 `Retry`) that
//! never stop or retry everything, client errors in retry status lists, and
//! retried writes without a stable idempotency key.
//!
//! Loops are recognised by the semantic model
//! ([`crate::semantic::retry_loops`]), fed by the checker as nodes arrive and
//! judged when a function body (or, for module-level loops, the file) has
//! been visited; the loop rules and the write/key rules report then, in
//! their `leave_function` and `finish` hooks. Calls to retry APIs are judged
//! where they stand.

pub(crate) mod excessive_retries;
pub(crate) mod idempotency_key_per_attempt;
pub(crate) mod retried_write_without_idempotency_key;
pub(crate) mod retry_everything;
pub(crate) mod retry_on_client_error;
pub(crate) mod retry_without_jitter;
pub(crate) mod retry_without_stop;
pub(crate) mod unbounded_retry_loop;

use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::semantic::CallTarget;
use crate::semantic::retry::RetryApi;
use crate::semantic::retry_loops::RetryLoop;

/// The retry loops of the body whose visit just ended (for the rules'
/// `leave_function` and `finish` hooks).
pub(crate) fn settled_loops(checker: &Checker) -> Vec<RetryLoop> {
    let settled = checker.semantic.settled_retry_loops();
    if settled.is_empty() {
        return Vec::new();
    }
    settled.to_vec()
}

/// The bare `@retry` (or `@tenacity.retry`) decorators of a `def`: every
/// tenacity default applies. Decorators are evaluated where the `def`
/// stands, so the rules look at them in their `stmt` hook.
pub(crate) fn bare_tenacity_decorators(checker: &Checker, stmt: &Stmt) -> Vec<TextRange> {
    let Stmt::FunctionDef(function) = stmt else {
        return Vec::new();
    };
    // Until tenacity is imported, no decorator can name it.
    if !checker.semantic.imports_retry_library() {
        return Vec::new();
    }
    function
        .decorator_list
        .iter()
        .filter(|decorator| {
            checker.semantic.retry_decorator(&decorator.expression) == Some(RetryApi::TenacityRetry)
                && !decorator.expression.is_call_expr()
        })
        .map(|decorator| decorator.expression.range())
        .collect()
}

/// The retry API a call configures, when everything it passes can be seen
/// (no `**mapping`, no `*args`).
pub(crate) fn visible_retry_api(
    checker: &Checker,
    call: &ExprCall,
    target: Option<&CallTarget>,
) -> Option<RetryApi> {
    let (api, _) = checker.semantic.retry_call(call, target);
    api.filter(|_| !has_opaque_arguments(call))
}

/// Whether a call passes `**mapping` or `*args`: what it configures cannot
/// be seen.
pub(crate) fn has_opaque_arguments(call: &ExprCall) -> bool {
    call.arguments
        .keywords
        .iter()
        .any(|keyword| keyword.arg.is_none())
        || call.arguments.args.iter().any(Expr::is_starred_expr)
}

#[cfg(test)]
mod tests {
    use crate::settings::{LinterSettings, RuleSelection};
    use crate::{Diagnostic, Location};

    fn retries(source: &str, max_retries: u32) -> Vec<Diagnostic> {
        let selection = RuleSelection {
            select: Some(vec!["WL3".parse().unwrap()]),
            ..Default::default()
        };
        let settings = LinterSettings {
            rules: selection.resolve(),
            max_retries,
            ..LinterSettings::default()
        };
        crate::lint_source(source, &settings)
    }

    #[test]
    fn the_policy_retry_section_passes_clean() {
        let source = r#"
import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential, wait_random


_RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, (httpx.ConnectError, httpx.ReadTimeout)):
        return True
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in _RETRYABLE_STATUSES
    return False


async def with_backoff[T](
    call: Callable[[], Awaitable[T]],
    *,
    max_attempts: int = 3,
    base_delay: float = 0.5,
    max_delay: float = 30.0,
) -> T:
    for attempt in range(max_attempts):
        try:
            return await call()
        except Exception as error:
            if attempt == max_attempts - 1 or not is_retryable(error):
                raise
            # AWS "full jitter": uniform in [0, min(cap, base * 2**attempt)].
            ceiling = min(max_delay, base_delay * (2 ** attempt))
            await asyncio.sleep(random.uniform(0.0, ceiling))
    raise RuntimeError("unreachable")


async def charge(stripe_client, client: httpx.AsyncClient) -> None:
    idempotency_key = str(uuid.uuid4())  # stable across the retry loop
    response = await stripe_client.charges.create(
        amount=2000,
        currency="usd",
        options={"idempotency_key": idempotency_key},
    )
    await with_backoff(
        lambda: client.post("/v1/charges", headers={"Idempotency-Key": idempotency_key})
    )


@retry(
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5) + wait_random(0, 1),
    retry=retry_if_exception(is_retryable),
)
async def fetch(client: httpx.AsyncClient, url: str) -> httpx.Response:
    return await client.get(url)
"#;
        assert_eq!(retries(source, 5), []);
    }

    #[test]
    fn unbounded_loops_point_at_the_header_only() {
        let source = "\
import httpx
def f(client: httpx.Client):
    while True:
        try:
            return client.get('u')
        except httpx.TransportError:
            pass
";
        // WL302 reports the same header: the handler retries at once.
        let found: Vec<Diagnostic> = retries(source, 5)
            .into_iter()
            .filter(|diagnostic| diagnostic.rule.code() == "WL301")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, Location { row: 3, column: 5 });
        assert_eq!(found[0].end_location, Location { row: 3, column: 15 });
    }

    #[test]
    fn excessive_retries_reads_the_configured_cap() {
        let source = "from openai import OpenAI\nOpenAI(max_retries=10)\n";
        assert_eq!(retries(source, 10), []);
        let found = retries(source, 9);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("cap of 9"),
            "{}",
            found[0].message
        );
    }
}
