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
//! flagged. Neither is a client that sends nothing over the network: one
//! built on an in-process transport (`httpx.ASGITransport`,
//! `httpx.WSGITransport`, `httpx.MockTransport`, or a name bound to one)
//! given in the same call (`transport=..., timeout=None`) or the same dict
//! of client parameters (`{"transport": ..., "timeout": httpx.Timeout(None)}`):
//! there is no peer to wait for.
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

use ruff_python_ast::{Expr, ExprCall, ExprDict};
use ruff_text_size::{Ranged, TextRange};

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
        dict: Some(note_in_process_dict),
        ..Hooks::NONE
    },
};

/// Timeout values (by range) given beside an in-process transport.
type InProcess = Vec<TextRange>;

/// Transports that serve an application in the same process.
const IN_PROCESS_TRANSPORTS: &[&str] = &[
    "httpx.ASGITransport",
    "httpx.WSGITransport",
    "httpx.MockTransport",
];

#[inline]
fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(target) = judged_target(target)
        && !has_in_process_transport(checker, call)
    {
        check(checker, call, target);
    }
}

/// `Client(transport=httpx.ASGITransport(...), timeout=...)`: notes the
/// timeout's value as given beside an in-process transport.
fn has_in_process_transport(checker: &mut Checker, call: &ExprCall) -> bool {
    let Some(transport) = call.arguments.find_keyword("transport") else {
        return false;
    };
    if !is_in_process_transport(checker, &transport.value) {
        return false;
    }
    if let Some(timeout) = timeout_keyword(call) {
        let range = timeout.value.range();
        checker
            .rule_states
            .get_mut::<InProcess>(Rule::TimeoutDisabled)
            .push(range);
    }
    true
}

/// `{"transport": httpx.ASGITransport(...), "timeout": ...}`: client
/// parameters for an in-process application.
fn note_in_process_dict(checker: &mut Checker, dict: &ExprDict) {
    let value_of = |key: &str| {
        dict.items.iter().find_map(|item| {
            let literal = item.key.as_ref()?.as_string_literal_expr()?;
            (literal.value.to_str() == key).then_some(&item.value)
        })
    };
    let Some(transport) = value_of("transport") else {
        return;
    };
    if !is_in_process_transport(checker, transport) {
        return;
    }
    if let Some(timeout) = value_of("timeout") {
        let range = timeout.range();
        checker
            .rule_states
            .get_mut::<InProcess>(Rule::TimeoutDisabled)
            .push(range);
    }
}

/// `httpx.ASGITransport(...)`, or a name bound to one.
fn is_in_process_transport(checker: &Checker, value: &Expr) -> bool {
    let semantic = &checker.semantic;
    let call = match value {
        Expr::Call(call) => call,
        Expr::Name(name) => match semantic
            .lookup(name.id.as_str())
            .and_then(|binding| binding.value)
        {
            Some(Expr::Call(call)) => call,
            _ => return false,
        },
        _ => return false,
    };
    semantic
        .qualified_name(&call.func)
        .is_some_and(|qualified| IN_PROCESS_TRANSPORTS.contains(&qualified.as_str()))
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
    let beside_in_process_transport = checker
        .rule_states
        .get::<InProcess>(Rule::TimeoutDisabled)
        .is_some_and(|ranges| ranges.contains(&call.range()));
    if beside_in_process_transport {
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
