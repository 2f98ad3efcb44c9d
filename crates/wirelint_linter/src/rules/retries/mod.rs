//! WL3: retries. Retry loops with no bound, no jitter or no classification,
//! retry decorators and policies (tenacity, backoff, urllib3 `Retry`) that
//! never stop or retry everything, client errors in retry status lists, and
//! retried writes without a stable idempotency key.
//!
//! Loops are recognised by the shared analysis in
//! [`crate::semantic::retry_loops`], fed here as nodes arrive and judged when
//! a function body (or, for module-level loops, the file) has been visited;
//! the loop rules and the write/key rules report then. Calls to retry APIs
//! are judged where they stand.

pub mod excessive_retries;
pub mod idempotency_key_per_attempt;
pub mod retried_write_without_idempotency_key;
pub mod retry_everything;
pub mod retry_on_client_error;
pub mod retry_without_jitter;
pub mod retry_without_stop;
pub mod unbounded_retry_loop;

use ruff_python_ast::{Expr, ExprCall, Parameters, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::handlers::STATUS_ATTRIBUTES;
use crate::semantic::retry::{RetryApi, sends_request, tenacity_helper_name};
use crate::semantic::retry_loops::{RetryLoop, RetryLoops};
use crate::semantic::{CallTarget, ScopeKind};

const RULES: [Rule; 8] = [
    Rule::UnboundedRetryLoop,
    Rule::RetryWithoutJitter,
    Rule::RetryWithoutStop,
    Rule::RetryOnClientError,
    Rule::RetryEverything,
    Rule::RetriedWriteWithoutIdempotencyKey,
    Rule::IdempotencyKeyPerAttempt,
    Rule::ExcessiveRetries,
];

/// The rules that need retry loops recognised.
const LOOP_RULES: [Rule; 6] = [
    Rule::UnboundedRetryLoop,
    Rule::RetryWithoutJitter,
    Rule::RetryOnClientError,
    Rule::RetryEverything,
    Rule::RetriedWriteWithoutIdempotencyKey,
    Rule::IdempotencyKeyPerAttempt,
];

/// Per-file state of the family.
#[derive(Debug, Default)]
pub struct State {
    loops: RetryLoops,
    /// The function being visited is wrapped by a retry decorator.
    retried_function: bool,
    /// The file imports tenacity or backoff (so far in the traversal).
    imports_retry_library: bool,
    /// Start offsets of the functions a retry decorator wraps.
    retried_functions: FxHashSet<ruff_text_size::TextSize>,
    /// Offsets already reported by WL304 (a status list reached twice:
    /// where it is bound and where it is passed).
    reported_statuses: FxHashSet<ruff_text_size::TextSize>,
    pub writes: retried_write_without_idempotency_key::State,
    pub keys: idempotency_key_per_attempt::State,
}

fn any_enabled(checker: &Checker, rules: &[Rule]) -> bool {
    rules.iter().any(|rule| checker.enabled(*rule))
}

/// Notes an import of tenacity or backoff: until one is seen, no call can
/// name their APIs, and calls are not resolved for them.
fn note_retry_library_import(checker: &mut Checker, stmt: &Stmt) {
    let is_retry_library = |module: &str| {
        matches!(
            module.split('.').next().unwrap_or_default(),
            "tenacity" | "backoff"
        )
    };
    let imports = match stmt {
        Stmt::Import(import) => import
            .names
            .iter()
            .any(|alias| is_retry_library(alias.name.as_str())),
        Stmt::ImportFrom(import_from) => import_from
            .module
            .as_ref()
            .is_some_and(|module| import_from.level == 0 && is_retry_library(module.as_str())),
        _ => false,
    };
    checker.rule_state.retries.imports_retry_library |= imports;
}

/// Lambdas run when called, not where they stand: their calls are not part
/// of the enclosing loop's attempts.
fn in_lambda(checker: &Checker) -> bool {
    checker.semantic.current_scope().kind == ScopeKind::Lambda
}

pub fn analyze_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::Import(_) | Stmt::ImportFrom(_) = stmt {
        note_retry_library_import(checker, stmt);
        return;
    }
    let interesting = matches!(
        stmt,
        Stmt::FunctionDef(_)
            | Stmt::For(_)
            | Stmt::While(_)
            | Stmt::Try(_)
            | Stmt::If(_)
            | Stmt::Assign(_)
            | Stmt::AnnAssign(_)
            | Stmt::AugAssign(_)
            | Stmt::Return(_)
            | Stmt::Break(_)
    );
    if !interesting || !any_enabled(checker, &RULES) {
        return;
    }
    if let Stmt::FunctionDef(function) = stmt {
        note_decorators(checker, function);
    }
    if any_enabled(checker, &LOOP_RULES) {
        let State { loops, .. } = &mut checker.rule_state.retries;
        loops.note_stmt(&checker.semantic, stmt);
    }
    if checker.enabled(Rule::IdempotencyKeyPerAttempt) {
        idempotency_key_per_attempt::note_stmt(checker, stmt);
    }
    if checker.enabled(Rule::RetryOnClientError) {
        retry_on_client_error::check_stmt(checker, stmt);
    }
}

pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    match expr {
        Expr::Attribute(attribute)
            if STATUS_ATTRIBUTES.contains(&attribute.attr.as_str())
                && checker.enabled(Rule::RetryOnClientError)
                && checker.rule_state.retries.loops.any_open()
                && !in_lambda(checker) =>
        {
            let offset = attribute.start();
            checker.rule_state.retries.loops.note_status_read(offset);
        }
        Expr::Name(_)
            if checker.rule_state.retries.keys.has_pending()
                && checker.enabled(Rule::IdempotencyKeyPerAttempt) =>
        {
            idempotency_key_per_attempt::note_expr(checker, expr);
        }
        Expr::Dict(_) if checker.enabled(Rule::IdempotencyKeyPerAttempt) => {
            idempotency_key_per_attempt::note_expr(checker, expr);
        }
        _ => {}
    }
}

pub fn analyze_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if !any_enabled(checker, &RULES) {
        return;
    }
    // What a lambda calls is not part of the enclosing attempt.
    if !in_lambda(checker) {
        note_attempt_call(checker, call, target);
    }
    if checker.enabled(Rule::RetryOnClientError) {
        retry_on_client_error::check_call(checker, call);
    }
    // urllib3's `Retry` is a network-library name the call was already
    // resolved to; tenacity and backoff names are resolved only in files
    // that import them.
    let qualified = match target {
        Some(CallTarget::LibraryFunction { qualified, .. }) => Some(qualified.clone()),
        _ if checker.rule_state.retries.imports_retry_library => {
            checker.semantic.qualified_name(&call.func)
        }
        _ => None,
    };
    let api = qualified.as_deref().and_then(RetryApi::of_qualified);
    let helper = qualified.as_deref().and_then(tenacity_helper_name);
    if checker.enabled(Rule::ExcessiveRetries) {
        excessive_retries::check_call(checker, call, target, api, helper);
    }
    let Some(api) = api else {
        if checker.enabled(Rule::RetryEverything) {
            retry_everything::check_tenacity_predicate(checker, call, helper);
        }
        return;
    };
    let opaque = call
        .arguments
        .keywords
        .iter()
        .any(|keyword| keyword.arg.is_none())
        || call.arguments.args.iter().any(Expr::is_starred_expr);
    if opaque {
        return;
    }
    if checker.enabled(Rule::RetryWithoutJitter) {
        retry_without_jitter::check_retry_call(checker, call, api);
    }
    if checker.enabled(Rule::RetryWithoutStop) {
        retry_without_stop::check_retry_call(checker, call, api);
    }
    if checker.enabled(Rule::RetryEverything) {
        retry_everything::check_retry_call(checker, call, api);
    }
}

/// Notes a call for the loop and write/key analyses.
fn note_attempt_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if any_enabled(checker, &LOOP_RULES) && checker.rule_state.retries.loops.any_open() {
        let State { loops, .. } = &mut checker.rule_state.retries;
        let sends_request = target.is_some_and(sends_request);
        loops.note_call(&checker.semantic, call, sends_request);
    }
    if checker.enabled(Rule::RetriedWriteWithoutIdempotencyKey)
        && let Some(target) = target
    {
        retried_write_without_idempotency_key::note_call(checker, call, target);
    }
    if checker.enabled(Rule::IdempotencyKeyPerAttempt) {
        idempotency_key_per_attempt::note_call(checker, call);
    }
}

pub fn enter_function(checker: &mut Checker, function: &StmtFunctionDef) {
    if !any_enabled(checker, &RULES) {
        return;
    }
    let state = &mut checker.rule_state.retries;
    state.loops.enter_function();
    state.retried_function = state.retried_functions.contains(&function.start());
    if checker.enabled(Rule::RetryOnClientError) {
        retry_on_client_error::check_parameters(checker, &function.parameters);
    }
}

/// Decorators are evaluated where the `def` stands: notes whether a retry
/// decorator wraps the function, and checks a bare `@retry`.
fn note_decorators(checker: &mut Checker, function: &StmtFunctionDef) {
    for decorator in &function.decorator_list {
        let Some(api) = checker.semantic.retry_decorator(&decorator.expression) else {
            continue;
        };
        checker
            .rule_state
            .retries
            .retried_functions
            .insert(function.start());
        if api == RetryApi::TenacityRetry && !decorator.expression.is_call_expr() {
            check_bare_tenacity_decorator(checker, decorator.expression.range());
        }
    }
}

/// A bare `@retry` (or `@tenacity.retry`): every tenacity default applies.
fn check_bare_tenacity_decorator(checker: &mut Checker, range: TextRange) {
    if checker.enabled(Rule::RetryWithoutJitter) {
        retry_without_jitter::report_missing_wait(checker, range, "@retry");
    }
    if checker.enabled(Rule::RetryWithoutStop) {
        retry_without_stop::report_missing_stop(checker, range, "@retry");
    }
    if checker.enabled(Rule::RetryEverything) {
        retry_everything::report_missing_predicate(checker, range, "@retry");
    }
}

pub fn leave_function(checker: &mut Checker, function: &StmtFunctionDef) {
    if !any_enabled(checker, &RULES) {
        return;
    }
    settle(checker, Some(&function.parameters));
    checker.rule_state.retries.retried_function = false;
}

pub fn finish(checker: &mut Checker) {
    if !any_enabled(checker, &RULES) {
        return;
    }
    checker.rule_state.retries.retried_function = false;
    settle(checker, None);
}

/// Judges the loops of the body just visited and reports what depends on
/// them.
fn settle(checker: &mut Checker, parameters: Option<&Parameters>) {
    let network_module = checker.semantic.is_network_module();
    let State { loops, .. } = &mut checker.rule_state.retries;
    let retry_loops: Vec<RetryLoop> = loops.decide(&checker.semantic, parameters, network_module);
    let retried_function = checker.rule_state.retries.retried_function;
    for retry_loop in &retry_loops {
        if checker.enabled(Rule::UnboundedRetryLoop) {
            unbounded_retry_loop::check_loop(checker, retry_loop);
        }
        if checker.enabled(Rule::RetryWithoutJitter) {
            retry_without_jitter::check_loop(checker, retry_loop);
        }
        if checker.enabled(Rule::RetryOnClientError) {
            retry_on_client_error::check_loop(checker, retry_loop);
        }
        if checker.enabled(Rule::RetryEverything) {
            retry_everything::check_loop(checker, retry_loop);
        }
    }
    if checker.enabled(Rule::RetriedWriteWithoutIdempotencyKey) {
        retried_write_without_idempotency_key::settle(checker, &retry_loops, retried_function);
    }
    if checker.enabled(Rule::IdempotencyKeyPerAttempt) {
        idempotency_key_per_attempt::settle(checker, &retry_loops, retried_function);
    }
}

/// Whether the current body is wrapped by a retry decorator.
pub fn in_retried_function(checker: &Checker) -> bool {
    checker.rule_state.retries.retried_function
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
        let found = retries(source, 5);
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
