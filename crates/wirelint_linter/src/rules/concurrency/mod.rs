//! WL8: async and observability. Sync work inside `async def`, event hooks
//! of the wrong kind for their client, and fan-outs with no bound.

pub mod blocking_call_in_async;
pub mod hook_kind_mismatch;
pub mod unbounded_gather;

use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::CallTarget;

/// Per-file state of the family.
#[derive(Debug, Default)]
pub struct State {
    pub unbounded_gather: unbounded_gather::State,
}

pub fn analyze_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if checker.enabled(Rule::HookKindMismatch)
        && let Some(CallTarget::ClientConstructor(client)) = target
    {
        hook_kind_mismatch::check(checker, call, *client);
    }
    if checker.enabled(Rule::BlockingCallInAsync)
        && checker.semantic.in_async_function()
        && !checker.semantic.is_awaited(call)
    {
        blocking_call_in_async::check(checker, call, target);
    }
    if checker.enabled(Rule::UnboundedGather) {
        unbounded_gather::check(checker, call);
    }
}

pub fn finish(checker: &mut Checker) {
    if checker.enabled(Rule::UnboundedGather) {
        unbounded_gather::finish(checker);
    }
}
