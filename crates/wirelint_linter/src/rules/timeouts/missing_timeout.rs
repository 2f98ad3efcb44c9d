//! # missing-timeout (WL203)
//!
//! ## What it does
//! Flags a call that can block forever because no timeout is set:
//! `requests.get/options/head/post/put/patch/delete/request(...)`, the same
//! methods on a `requests.Session`, `urllib.request.urlopen(...)` and
//! `http.client.HTTPConnection(...)` / `HTTPSConnection(...)` without a
//! `timeout`.
//!
//! httpx and the SDKs built on it have default timeouts, so they are not
//! flagged. A call that passes `**kwargs` may carry a timeout and is not
//! flagged; neither are session calls in a file that mounts a transport
//! adapter (`session.mount(...)`) or defines an `HTTPAdapter` subclass,
//! the usual way to give a session a default timeout.
//!
//! ## Why is this bad?
//! requests, urllib and http.client wait indefinitely by default. A server
//! that accepts the connection and never answers hangs the caller's thread
//! for good; in a worker pool, a handful of such calls stall the service.
//!
//! ## Example
//! ```python
//! response = requests.get("https://api.example.com/v1/items")
//! ```
//!
//! ## Use instead
//! ```python
//! response = requests.get("https://api.example.com/v1/items", timeout=(3.05, 30))
//! ```
//!
//! There is no automatic fix: only you know the right budget.
//!
//! ## References
//! - `docs/policy.md`, "Timeout Granularity"

use ruff_python_ast::{ExprCall, StmtClassDef};
use ruff_text_size::Ranged;

use super::judged_target;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::{REQUESTS_METHODS, callee_text, has_keyword_splat, timeout_keyword};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, Library};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL203",
    name: "missing-timeout",
    family: Family::Timeouts,
    status: Status::Stable,
    summary: "A network call with no timeout can block forever.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        class: Some(note_class),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Session calls wait for the end of the file: a mounted adapter anywhere in
/// it may supply a default timeout.
#[derive(Debug, Default)]
struct State {
    pending_session_calls: Vec<Diagnostic>,
    mounts_adapter: bool,
}

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(target) = judged_target(target) {
        check(checker, call, target);
    }
}

fn check(checker: &mut Checker, call: &ExprCall, target: &CallTarget) {
    if has_keyword_splat(call) {
        return;
    }
    let (missing, is_session_call) = match target {
        CallTarget::LibraryFunction {
            library: Library::Requests,
            qualified,
        } => {
            let function = qualified
                .strip_prefix("requests.api.")
                .or_else(|| qualified.strip_prefix("requests."))
                .unwrap_or_default();
            (
                REQUESTS_METHODS.contains(&function) && timeout_keyword(call).is_none(),
                false,
            )
        }
        CallTarget::ClientMethod { client, method } if client.library == Library::Requests => {
            if *method == "mount" {
                state(checker).mounts_adapter = true;
                return;
            }
            (
                REQUESTS_METHODS.contains(method) && timeout_keyword(call).is_none(),
                true,
            )
        }
        // `urlopen(url, data, timeout)` and `HTTPConnection(host, port, timeout)`
        // take the timeout third.
        CallTarget::Urlopen | CallTarget::HttpConnection => (
            timeout_keyword(call).is_none() && call.arguments.args.len() < 3,
            false,
        ),
        _ => return,
    };
    if !missing {
        return;
    }
    let message = format!(
        "`{}(...)` has no timeout and can block forever; pass `timeout=`",
        callee_text(checker, call)
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::MissingTimeout, message, call.range());
    if is_session_call {
        state(checker).pending_session_calls.push(diagnostic);
    } else {
        checker.report(diagnostic);
    }
}

fn state<'c>(checker: &'c mut Checker) -> &'c mut State {
    checker.rule_states.get_mut(Rule::MissingTimeout)
}

/// Notes a class deriving from `requests.adapters.HTTPAdapter`.
fn note_class(checker: &mut Checker, class: &StmtClassDef) {
    let derives_adapter = class.bases().iter().any(|base| {
        matches!(
            checker.semantic.qualified_name(base).as_deref(),
            Some("requests.adapters.HTTPAdapter" | "requests.HTTPAdapter")
        )
    });
    if derives_adapter {
        state(checker).mounts_adapter = true;
    }
}

/// Reports the session calls unless the file gives sessions an adapter.
fn finish(checker: &mut Checker) {
    let state: State = checker.rule_states.take(Rule::MissingTimeout);
    if !state.mounts_adapter {
        for diagnostic in state.pending_session_calls {
            checker.report(diagnostic);
        }
    }
}
