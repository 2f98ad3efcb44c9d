//! WL2: timeouts. A call with no timeout, a disabled one, or a single number
//! where the policy asks for per-phase budgets. Helpers shared by the family
//! (which calls' timeouts are judged, `httpx.Timeout` arguments) live here.

pub(crate) mod missing_timeout;
pub(crate) mod scalar_timeout;
pub(crate) mod timeout_disabled;
pub(crate) mod timeout_without_pool;

use ruff_python_ast::{Expr, ExprCall};

use crate::rules::helpers::{is_request_function, timeout_keyword};
use crate::semantic::CallTarget;

/// The call's target when the timeout rules judge its `timeout=`.
pub(crate) fn judged_target<'t, 'c>(
    target: Option<&'t CallTarget<'c>>,
) -> Option<&'t CallTarget<'c>> {
    target.filter(|target| judges_timeout_of(target))
}

/// Whether the timeout rules judge `timeout=` on this call: clients, their
/// calls, the stdlib calls, `httpx.Timeout`, and the module-level request
/// functions of the HTTP libraries. Other module-level functions take
/// timeouts of their own meaning (`urllib3.util.wait.wait_for_read(sock,
/// timeout=0.0)` polls a socket) and are left alone.
pub(crate) fn judges_timeout_of(target: &CallTarget) -> bool {
    match target {
        CallTarget::LibraryFunction { qualified, .. } => {
            is_request_function(qualified) || qualified == "httpx.Timeout"
        }
        _ => true,
    }
}

/// The per-phase keywords of `httpx.Timeout`.
pub(crate) const PHASES: [&str; 4] = ["connect", "read", "write", "pool"];

/// Whether `target` is `httpx.Timeout` (or `httpx2.Timeout`).
pub(crate) fn is_httpx_timeout(target: &CallTarget) -> bool {
    target.qualified() == Some("httpx.Timeout")
}

/// The default budget of an `httpx.Timeout(...)` call: its first positional
/// argument or its `timeout=` keyword.
pub(crate) fn httpx_timeout_default(call: &ExprCall) -> Option<&Expr> {
    call.arguments
        .args
        .first()
        .or_else(|| timeout_keyword(call).map(|keyword| &keyword.value))
}

/// Which per-phase keywords an `httpx.Timeout(...)` call sets.
pub(crate) fn httpx_timeout_phases(call: &ExprCall) -> impl Iterator<Item = &str> {
    call.arguments
        .keywords
        .iter()
        .filter_map(|keyword| {
            keyword
                .arg
                .as_ref()
                .map(ruff_python_ast::Identifier::as_str)
        })
        .filter(|arg| PHASES.contains(arg))
}
