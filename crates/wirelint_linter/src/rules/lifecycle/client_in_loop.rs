//! # client-in-loop (WL105)
//!
//! ## What it does
//! Flags a network client constructed inside a loop body or comprehension,
//! and a module-level convenience call (`requests.get`, `httpx.post`,
//! `requests.request`, `aiohttp.request`, `urllib3.request`, ...) inside one.
//!
//! A client built in a loop and stored in a collection (`clients.append(...)`,
//! `pools[name] = ...`), one long-lived client per entry, is not flagged.
//!
//! ## Why is this bad?
//! Each construction, and each convenience call, builds a new connection pool:
//! a new TCP and TLS handshake per iteration, no keep-alive, and sockets
//! left for the garbage collector. One client outside the loop reuses
//! connections across iterations.
//!
//! ## Example
//! ```python
//! for url in urls:
//!     response = requests.get(url, timeout=(3.05, 10))
//! ```
//!
//! ## Use instead
//! ```python
//! with requests.Session() as session:
//!     for url in urls:
//!         response = session.get(url, timeout=(3.05, 10))
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Client Construction"

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::{callee_text, is_request_function};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, CallUse};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL105",
    name: "client-in-loop",
    family: Family::Lifecycle,
    status: Status::Stable,
    summary: "A client or a convenience call builds a new connection pool on every iteration.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    let Some(target) = target else {
        return;
    };
    let call_use = checker.semantic.call_use(call);
    if !checker.semantic.in_loop() {
        return;
    }
    let what = match target {
        CallTarget::ClientConstructor(_) => {
            if matches!(
                call_use,
                Some(CallUse::Stored | CallUse::Argument { stores: true })
            ) {
                return;
            }
            "builds a new client"
        }
        CallTarget::LibraryFunction { qualified, .. } if is_request_function(qualified) => {
            "opens a new connection pool"
        }
        _ => return,
    };
    let message = format!(
        "`{}(...)` {what} on every iteration; create one client before the loop and reuse it",
        callee_text(checker, call)
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::ClientInLoop, message, call.range());
    checker.report(diagnostic);
}
