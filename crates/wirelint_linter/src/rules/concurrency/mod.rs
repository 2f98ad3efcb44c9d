//! WL8: async and observability. Sync work inside `async def`, event hooks
//! of the wrong kind for their client, and fan-outs with no bound.

pub mod blocking_call_in_async;
pub mod hook_kind_mismatch;
pub mod unbounded_gather;

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::CallTarget;

/// Per-file state of the family.
#[derive(Debug, Default)]
pub struct State {
    /// Start offsets of calls that are directly awaited: they return an
    /// awaitable, so they do not block.
    awaited_calls: rustc_hash::FxHashSet<ruff_text_size::TextSize>,
    pub unbounded_gather: unbounded_gather::State,
}

pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    if let Expr::Await(await_expr) = expr
        && let Expr::Call(call) = await_expr.value.as_ref()
        && checker.enabled(Rule::BlockingCallInAsync)
    {
        checker
            .rule_state
            .concurrency
            .awaited_calls
            .insert(call.start());
    }
}

pub fn analyze_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if checker.enabled(Rule::HookKindMismatch)
        && let Some(CallTarget::ClientConstructor(client)) = target
    {
        hook_kind_mismatch::check(checker, call, *client);
    }
    if checker.enabled(Rule::BlockingCallInAsync)
        && checker.semantic.in_async_function()
        && !checker
            .rule_state
            .concurrency
            .awaited_calls
            .contains(&call.start())
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
