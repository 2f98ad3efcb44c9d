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

use super::{StreamCall, rule_for};
use crate::checker::Checker;
use crate::rules::timeouts::callee_text;
use crate::semantic::{CallUse, ScopeId};

/// Streams assigned to locals, settled at the end of the file.
#[derive(Debug, Default)]
pub struct State {
    candidates: Vec<(ScopeId, String, TextRange, String, StreamCall)>,
}

/// Judges a call that opens a stream (both WL501 and WL502 report here:
/// they differ only in which calls they cover).
pub fn check(checker: &mut Checker, call: &ExprCall, kind: StreamCall) {
    match checker.semantic.call_use(call) {
        Some(
            CallUse::WithContext | CallUse::Returned | CallUse::Argument { .. } | CallUse::Stored,
        )
        | Some(CallUse::AssignedToGlobal) => {}
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
                kind,
            );
            checker
                .rule_state
                .streaming
                .outside
                .candidates
                .push(candidate);
        }
        None => {
            let callee = callee_text(checker, call);
            report(checker, call.range(), &callee, kind);
        }
    }
}

pub fn finish(checker: &mut Checker) {
    let candidates = std::mem::take(&mut checker.rule_state.streaming.outside.candidates);
    for (scope, name, range, callee, kind) in candidates {
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
