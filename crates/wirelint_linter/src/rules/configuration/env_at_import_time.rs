//! # env-at-import-time (WL701)
//!
//! ## What it does
//! Flags a read of the environment evaluated at import time:
//! `os.environ[...]`, `os.environ.get(...)` and `os.getenv(...)` (also
//! through `from os import environ, getenv`) at module scope, in a class
//! body, in a default argument value or a decorator (all evaluated when the
//! module is imported).
//!
//! Inside a function or lambda body the read happens when it is called, and
//! is not flagged; neither is code under `if __name__ == "__main__":` or
//! `if TYPE_CHECKING:`, nor a write (`os.environ["X"] = "1"`) or a
//! deletion.
//!
//! ## Why is this bad?
//! The value is frozen the moment the module is first imported. Tests that
//! set the variable afterwards (`monkeypatch.setenv`) see the old value, a
//! process that loads its environment late (a `.env` file, a secret
//! manager) is ignored, and importing the module fails or misbehaves where
//! the variable is not set at all, even if the code that needs it never
//! runs.
//!
//! ## Example
//! ```python
//! import os
//!
//! API_KEY = os.environ["MY_SERVICE_API_KEY"]
//! ```
//!
//! ## Use instead
//! ```python
//! import os
//!
//! def load_api_key() -> str:
//!     return os.environ["MY_SERVICE_API_KEY"]
//! ```
//! or a `BaseSettings` model instantiated at startup.
//!
//! ## References
//! - `docs/policy.md`, "Settings & Config" (loaded once at
//!   startup, never at import time)

use ruff_python_ast::{Expr, ExprContext};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::{Hooks, RuleDef};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL701",
    name: "env-at-import-time",
    family: Family::Configuration,
    status: Status::Stable,
    summary: "The environment is read at import time.",
    boundary: false,
    markers: &[Marker::Word("environ"), Marker::Word("getenv")],
    fix: FixAvailability::None,
    hooks: Hooks {
        expr: Some(check),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, expr: &Expr) {
    let read = match expr {
        Expr::Subscript(subscript) if subscript.ctx == ExprContext::Load => {
            checker.semantic.qualified_name(&subscript.value).as_deref() == Some("os.environ")
        }
        Expr::Call(call) => matches!(
            checker.semantic.qualified_name(&call.func).as_deref(),
            Some("os.environ.get" | "os.getenv")
        ),
        _ => false,
    };
    if !read || !checker.semantic.at_import_time() {
        return;
    }
    let message = format!(
        "`{}` reads the environment at import time; read it in a function or a settings object built at startup",
        snippet(checker, expr.range())
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::EnvAtImportTime, message, expr.range());
    checker.report(diagnostic);
}
