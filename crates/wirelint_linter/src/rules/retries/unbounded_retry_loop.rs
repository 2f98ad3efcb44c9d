//! # unbounded-retry-loop (WL301)
//!
//! ## What it does
//! Flags a retry loop with no bound: `while True:` (or `for attempt in
//! itertools.count()`, or a `while` whose condition no attempt counter or
//! deadline bounds, such as `while not done:`) whose handler lets the loop
//! go on.
//!
//! A *retry loop* is a `while` loop, or a `for` loop that counts attempts
//! (`range(n)`, `itertools.count()`), that sends a request again after a
//! failure, and leaves the loop when an attempt succeeds (it returns or
//! breaks rather than going on to another round). The failure is seen in
//! one of two ways:
//! - a `try` with an `except` handler that can let the loop go on, where
//!   the `try` body makes a client or network-library call, or the module
//!   imports a network module and the handler sleeps;
//! - with no `try`: the response of a request sent in the round is tested
//!   for its status (`status_code`, `status`, `ok`, `is_success`...), and
//!   the loop leaves on success (`if r.status_code == 200: return r`) and
//!   goes on to another attempt otherwise, or goes on after a failure
//!   status (`if r.status_code >= 500: continue`) and leaves otherwise.
//!
//! Not retry loops: a worker, listener or polling loop that handles one
//! message per round and only logs failures; a loop over items or pages
//! that skips a failed item; a loop whose request reads a name the loop
//! rebinds (`client.get(urls[attempt])`: a fallback to another request);
//! and a loop that polls a job, going on after a *success* status (`202
//! Accepted`, or `200` while the body says "processing") or after a
//! success that does not leave the loop.
//!
//! Not flagged: `for attempt in range(n)`; `while attempt < max_attempts:`
//! with `attempt += 1` in the body; `while time.monotonic() < deadline:`;
//! `while True:` whose handler raises once a counter or a deadline is
//! exhausted (`if attempt >= max_attempts: raise`); a handler that always
//! raises, returns or breaks.
//!
//! No fix: choosing a bound changes behaviour.
//!
//! ## Why is this bad?
//! A failure that does not go away (a revoked key, a deleted resource, an
//! outage) keeps the loop retrying forever: the caller hangs, the upstream
//! gets a request storm, and nothing surfaces the error.
//!
//! ## Example
//! ```python
//! def fetch(client: httpx.Client, url: str) -> httpx.Response:
//!     while True:
//!         try:
//!             return client.get(url)
//!         except httpx.TransportError:
//!             time.sleep(random.uniform(0, 1))
//! ```
//!
//! ## Use instead
//! ```python
//! def fetch(client: httpx.Client, url: str, max_attempts: int = 3) -> httpx.Response:
//!     for attempt in range(max_attempts):
//!         try:
//!             return client.get(url)
//!         except httpx.TransportError:
//!             if attempt == max_attempts - 1:
//!                 raise
//!             time.sleep(random.uniform(0, 0.5 * 2**attempt))
//!     raise AssertionError("unreachable")
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (cap attempts)

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::retries::settled_loops;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::retry_loops::RetryLoop;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL301",
    name: "unbounded-retry-loop",
    family: Family::Retries,
    status: Status::Stable,
    summary: "A retry loop has no bound on its attempts.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
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
    if !retry_loop.unbounded {
        return;
    }
    let header = snippet(checker, retry_loop.header);
    let message = format!(
        "Retry loop `{header}` has no bound: retry at most N times \
         (`for attempt in range(max_attempts)`) and re-raise after the last attempt"
    );
    let diagnostic =
        checker
            .locator
            .diagnostic(Rule::UnboundedRetryLoop, message, retry_loop.header);
    checker.report(diagnostic);
}
