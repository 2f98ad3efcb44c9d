//! # timeout-disabled (WL204)
//!
//! ## What it does
//! Flags `timeout=None` passed to a network client, a client call, a
//! network library's module-level call, `urllib.request.urlopen` or
//! `http.client.HTTP(S)Connection`, and `httpx.Timeout(None)` with no
//! per-phase budget.
//!
//! ## Why is this bad?
//! `None` switches the timeout off: a peer that accepts the connection and
//! then stops answering holds the call, its thread or task, and its pooled
//! connection forever. Nothing upstream can tell a hung request from a slow
//! one, and retries never get their turn.
//!
//! Libraries whose reading of `None` has changed between releases (aiohttp)
//! and clients that accept only numbers (`slack_sdk`, `twilio`) are not
//! flagged.
//!
//! ## Example
//! ```python
//! response = requests.get(url, timeout=None)
//! client = httpx.Client(timeout=httpx.Timeout(None))
//! ```
//!
//! ## Use instead
//! ```python
//! response = requests.get(url, timeout=(3.05, 30))
//! client = httpx.Client(timeout=httpx.Timeout(60.0, connect=5.0, pool=5.0))
//! ```
//!
//! There is no automatic fix: only you know the right budget.
//!
//! ## References
//! - `docs/policy.md`, "Timeout Granularity"

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use super::{httpx_timeout_default, httpx_timeout_phases, is_httpx_timeout, judged_target};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::{callee_text, has_keyword_splat, timeout_keyword};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, Library};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL204",
    name: "timeout-disabled",
    family: Family::Timeouts,
    status: Status::Stable,
    summary: "`timeout=None` disables the timeout: the call can wait forever.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(target) = judged_target(target) {
        check(checker, call, target);
    }
}

fn check(checker: &mut Checker, call: &ExprCall, target: &CallTarget) {
    if is_httpx_timeout(target) {
        check_httpx_timeout(checker, call);
        return;
    }
    let none_disables = target.library().is_none_or(none_disables_timeout);
    if !none_disables {
        return;
    }
    let Some(keyword) = timeout_keyword(call) else {
        return;
    };
    if !keyword.value.is_none_literal_expr() {
        return;
    }
    let message = format!(
        "`timeout=None` disables the timeout of `{}`: the call can wait forever",
        callee_text(checker, call)
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::TimeoutDisabled, message, keyword.range());
    checker.report(diagnostic);
}

/// Libraries in which an explicit `timeout=None` means "never time out".
fn none_disables_timeout(library: Library) -> bool {
    matches!(
        library,
        Library::Httpx
            | Library::Requests
            | Library::Urllib3
            | Library::OpenAI
            | Library::Anthropic
    )
}

fn check_httpx_timeout(checker: &mut Checker, call: &ExprCall) {
    if has_keyword_splat(call) || httpx_timeout_phases(call).next().is_some() {
        return;
    }
    if !httpx_timeout_default(call).is_some_and(ruff_python_ast::Expr::is_none_literal_expr) {
        return;
    }
    let message =
        "`httpx.Timeout(None)` disables every phase's timeout: calls can wait forever".to_string();
    let diagnostic = checker
        .locator
        .diagnostic(Rule::TimeoutDisabled, message, call.range());
    checker.report(diagnostic);
}
