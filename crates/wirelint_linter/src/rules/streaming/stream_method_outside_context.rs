//! # stream-method-outside-context (WL502)
//!
//! ## What it does
//! Flags a streaming method used without `with` / `async with`:
//! `httpx.stream(...)`, `Client.stream(...)` / `AsyncClient.stream(...)`,
//! `client.messages.stream(...)`, `client.chat.completions.stream(...)`,
//! `client.beta.*.stream(...)`, `client.responses.stream(...)`, and an
//! aiohttp `session.get/post/...(...)` that is awaited instead of entered
//! with `async with`.
//!
//! As for WL501, a stream handed on (returned, stored, passed to another
//! call) or assigned to a local that is later entered, closed or released
//! is not flagged.
//!
//! ## Why is this bad?
//! These methods return context managers (or, for aiohttp, a response that
//! must be released) precisely so the connection is returned to the pool
//! when the block ends, however it ends. Used any other way, an exception
//! or an early exit leaks the connection, and for the SDK helpers the
//! stream is never even started.
//!
//! ## Example
//! ```python
//! response = await session.get(url)
//! data = await response.json()
//! ```
//!
//! ## Use instead
//! ```python
//! async with session.get(url) as response:
//!     data = await response.json()
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Streaming"
//!
//! The check itself lives with WL501's, in `stream_outside_context.rs`: the
//! two rules differ only in which calls they cover.

use ruff_python_ast::ExprCall;

use super::StreamCall;
use super::stream_outside_context::{check_stream_call, settle_streams};
use crate::checker::Checker;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL502",
    name: "stream-method-outside-context",
    family: Family::Streaming,
    status: Status::Stable,
    summary: "A streaming method (`client.stream`, `messages.stream`, aiohttp requests) used without `with`.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    check_stream_call(checker, call, target, StreamCall::StreamMethod);
}

fn finish(checker: &mut Checker) {
    settle_streams(checker, StreamCall::StreamMethod);
}
