//! # stream-outside-context (WL501)
//!
//! ## What it does
//! Flags a request made with `stream=True` to a client or a network library
//! (`client.chat.completions.create(..., stream=True)`,
//! `requests.get(url, stream=True)`, `client.send(request, stream=True)`)
//! whose result is not the context expression of `with` / `async with`.
//!
//! A stream assigned to a local is fine when the function later enters it
//! (`with response:`), closes it (`close()`, `aclose()`, `release()`), or
//! hands it on (returns it, stores it, passes it to another call such as
//! `contextlib.closing(...)`): then the caller owns it.
//!
//! ## Why is this bad?
//! A streamed response keeps its connection checked out of the pool until
//! the body is read to the end or the response is closed. Iterate it
//! outside a context manager and any exception, early `break` or
//! cancellation leaks the connection (and, in async code, an event-loop
//! task); under load the pool runs dry and every request times out waiting
//! for a slot.
//!
//! ## Example
//! ```python
//! stream = client.chat.completions.create(model=model, messages=messages, stream=True)
//! for chunk in stream:
//!     print(chunk.choices[0].delta.content or "", end="")
//! ```
//!
//! ## Use instead
//! ```python
//! with client.chat.completions.create(model=model, messages=messages, stream=True) as stream:
//!     for chunk in stream:
//!         print(chunk.choices[0].delta.content or "", end="")
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Streaming"

use ruff_python_ast::ExprCall;
use ruff_text_size::{Ranged, TextRange};

use super::{StreamCall, rule_for, stream_call};
use crate::checker::Checker;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::callee_text;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, CallUse, ScopeId};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL501",
    name: "stream-outside-context",
    family: Family::Streaming,
    status: Status::Stable,
    summary: "A `stream=True` request is not opened with `with` / `async with`.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Streams assigned to locals, settled at the end of the file: (scope,
/// local name, call, callee). Each rule keeps its own.
type Candidates = Vec<(ScopeId, String, TextRange, String)>;

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    check_stream_call(checker, call, target, StreamCall::StreamKeyword);
}

fn finish(checker: &mut Checker) {
    settle_streams(checker, StreamCall::StreamKeyword);
}

/// Judges a call that opens a stream of kind `kind` (both WL501 and WL502
/// report here: they differ only in which calls they cover).
pub(super) fn check_stream_call(
    checker: &mut Checker,
    call: &ExprCall,
    target: Option<&CallTarget>,
    kind: StreamCall,
) {
    let Some(target) = target else {
        return;
    };
    if stream_call(checker, call, target) != Some(kind) {
        return;
    }
    match checker.semantic.call_use(call) {
        Some(
            CallUse::WithContext
            | CallUse::Returned
            | CallUse::Argument { .. }
            | CallUse::Stored
            | CallUse::AssignedToGlobal,
        ) => {}
        Some(CallUse::AssignedTo) => {
            let Some(name) = checker.semantic.assigned_name(call) else {
                return;
            };
            let scope = checker.semantic.current_function_scope().unwrap_or(0);
            let candidate = (
                scope,
                name.to_string(),
                call.range(),
                callee_text(checker, call),
            );
            checker
                .rule_states
                .get_mut::<Candidates>(rule_for(kind))
                .push(candidate);
        }
        None => {
            let callee = callee_text(checker, call);
            report(checker, call.range(), &callee, kind);
        }
    }
}

/// Reports the streams of kind `kind` assigned to locals that were never
/// entered, closed or handed on.
pub(super) fn settle_streams(checker: &mut Checker, kind: StreamCall) {
    let candidates: Candidates = checker.rule_states.take(rule_for(kind));
    for (scope, name, range, callee) in candidates {
        if !checker.semantic.is_released(scope, &name) {
            report(checker, range, &callee, kind);
        }
    }
}

fn report(checker: &mut Checker, range: TextRange, callee: &str, kind: StreamCall) {
    let message = match kind {
        StreamCall::StreamKeyword => format!(
            "`{callee}(..., stream=True)` is not opened with `with` / `async with`; the connection leaks if iteration stops early"
        ),
        StreamCall::StreamMethod => format!(
            "`{callee}(...)` opens a stream outside `with` / `async with`; use it as a context manager"
        ),
    };
    let diagnostic = checker.locator.diagnostic(rule_for(kind), message, range);
    checker.report(diagnostic);
}
