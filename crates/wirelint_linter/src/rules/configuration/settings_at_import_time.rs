//! # settings-at-import-time (WL702)
//!
//! ## What it does
//! Flags, at import time (module scope, a class body, a default argument
//! value, a decorator), the instantiation of a pydantic `BaseSettings`
//! subclass defined in the same module (directly or through another
//! settings class there), and any call of a `from_env()` / `from_environ()`
//! classmethod.
//!
//! Inside a function (a startup hook, a cached `get_settings()`), under
//! `if __name__ == "__main__":` or under `if TYPE_CHECKING:`, it is not
//! flagged.
//!
//! ## Why is this bad?
//! Settings read the environment and `.env` files when they are built. Built
//! at import, they freeze the configuration before tests or the process can
//! set it, and make merely importing the module fail wherever a required
//! variable is missing.
//!
//! ## Example
//! ```python
//! class Settings(BaseSettings):
//!     api_key: SecretStr
//!
//! settings = Settings()
//! config = ClientConfig.from_env()
//! ```
//!
//! ## Use instead
//! ```python
//! @functools.cache
//! def get_settings() -> Settings:
//!     return Settings()
//! ```
//! or build them in the application's startup hook and pass them on.
//!
//! ## References
//! - `docs/policy.md`, "Settings & Config" (loader called once
//!   at startup, never at import time) and "Client Construction"

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL702",
    name: "settings-at-import-time",
    family: Family::Configuration,
    status: Status::Stable,
    summary: "Settings are loaded from the environment at import time.",
    boundary: false,
    markers: &[Marker::Word("BaseSettings"), Marker::Word("from_env")],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Classmethods that build an object from the environment.
const ENV_FACTORIES: &[&str] = &["from_env", "from_environ"];

fn check(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    let builds_settings = checker
        .semantic
        .model_named_by(&call.func)
        .is_some_and(|model| model.is_settings());
    let env_factory = call
        .func
        .as_attribute_expr()
        .is_some_and(|attribute| ENV_FACTORIES.contains(&attribute.attr.as_str()));
    if !(builds_settings || env_factory) || !checker.semantic.at_import_time() {
        return;
    }
    let what = if builds_settings {
        "builds settings"
    } else {
        "loads configuration from the environment"
    };
    let message = format!(
        "`{}(...)` {what} at import time; build it at startup (or in a cached function) and pass it on",
        snippet(checker, call.func.range())
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::SettingsAtImportTime, message, call.range());
    checker.report(diagnostic);
}
