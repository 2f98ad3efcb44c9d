//! WL5: streaming. A streamed response holds its connection until it is
//! closed, so it must live inside `with` / `async with` and not outlive it.
//! Helpers shared by the family: which calls open a stream.

pub(crate) mod stream_escapes_context;
pub(crate) mod stream_method_outside_context;
pub(crate) mod stream_outside_context;

use ruff_python_ast::{Expr, ExprCall};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::rules::helpers::AIOHTTP_SESSION_REQUESTS;
use crate::semantic::{CallTarget, Library};

/// How a call opens a stream.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum StreamCall {
    /// A request made with `stream=True` (WL501).
    StreamKeyword,
    /// A streaming method: `httpx.stream`, `client.stream`,
    /// `client.messages.stream`, an awaited aiohttp request (WL502).
    StreamMethod,
}

/// Whether `call` opens a stream, and how.
pub(crate) fn stream_call(
    checker: &Checker,
    call: &ExprCall,
    target: &CallTarget,
) -> Option<StreamCall> {
    match target {
        CallTarget::ClientMethod { client, method } => {
            if *method == "stream"
                && matches!(
                    client.library,
                    Library::Httpx | Library::OpenAI | Library::Anthropic
                )
            {
                return Some(StreamCall::StreamMethod);
            }
            if client.library == Library::Aiohttp
                && AIOHTTP_SESSION_REQUESTS.contains(method)
                && checker.semantic.is_awaited(call)
            {
                return Some(StreamCall::StreamMethod);
            }
        }
        CallTarget::LibraryFunction { qualified, .. } if qualified == "httpx.stream" => {
            return Some(StreamCall::StreamMethod);
        }
        CallTarget::LibraryFunction { .. } => {}
        _ => return None,
    }
    let stream = call.arguments.find_keyword("stream")?;
    matches!(stream.value, Expr::BooleanLiteral(ref literal) if literal.value)
        .then_some(StreamCall::StreamKeyword)
}

/// The rule that judges a stream call of this kind.
pub(crate) fn rule_for(kind: StreamCall) -> Rule {
    match kind {
        StreamCall::StreamKeyword => Rule::StreamOutsideContext,
        StreamCall::StreamMethod => Rule::StreamMethodOutsideContext,
    }
}
