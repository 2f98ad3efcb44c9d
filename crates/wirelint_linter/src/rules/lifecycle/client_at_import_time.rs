//! # client-at-import-time (WL101)
//!
//! ## What it does
//! Flags a network client constructed at import time: at module top level,
//! in a class body, or in a default argument value, outside
//! `if __name__ == "__main__":` and `if TYPE_CHECKING:`.
//!
//! A client that is the context of a top-level `with` / `async with` (a
//! script or notebook cell) is closed when the block ends: not flagged.
//!
//! ## Why is this bad?
//! Importing the module now opens a connection pool and reads credentials
//! and configuration before the process is ready: tests cannot override the
//! environment, forked workers share one pool, and nothing ever closes it.
//! The policy asks for clients to be built once at start-up and passed in.
//!
//! ## Example
//! ```python
//! from openai import OpenAI
//!
//! client = OpenAI()
//!
//! def summarize(text: str) -> str:
//!     return client.responses.create(model="gpt-4o-mini", input=text).output_text
//! ```
//!
//! ## Use instead
//! ```python
//! from openai import OpenAI
//!
//! def summarize(client: OpenAI, text: str) -> str:
//!     return client.responses.create(model="gpt-4o-mini", input=text).output_text
//!
//! def main() -> None:
//!     with OpenAI() as client:
//!         print(summarize(client, "..."))
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Client Construction" and "Anti-Patterns"

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::callee_text;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, CallUse};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL101",
    name: "client-at-import-time",
    family: Family::Lifecycle,
    status: Status::Stable,
    summary: "A network client is constructed at import time.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(CallTarget::ClientConstructor(_)) = target {
        check(checker, call);
    }
}

fn check(checker: &mut Checker, call: &ExprCall) {
    if !checker.semantic.at_import_time()
        || checker.semantic.call_use(call) == Some(CallUse::WithContext)
    {
        return;
    }
    let message = format!(
        "`{}(...)` is constructed at import time; build it at start-up and pass it in",
        callee_text(checker, call)
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::ClientAtImportTime, message, call.range());
    checker.report(diagnostic);
}
