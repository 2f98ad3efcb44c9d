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
use crate::rules::timeouts::{callee_text, is_request_function};
use crate::semantic::{CallTarget, CallUse};

pub fn check(
    checker: &mut Checker,
    call: &ExprCall,
    target: &CallTarget,
    call_use: Option<CallUse>,
) {
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
