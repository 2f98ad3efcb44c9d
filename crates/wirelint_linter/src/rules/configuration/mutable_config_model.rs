//! # mutable-config-model (WL703)
//!
//! ## What it does
//! Flags a pydantic model that configures a client (its name ends in
//! `Config`, `Settings` or `Options`, or it has a `base_url`, `api_key`,
//! `timeout` or `max_retries` field) unless it is both frozen
//! (`frozen=True`) and closed to unknown fields (`extra="forbid"`).
//!
//! The configuration is read wherever pydantic reads it:
//! `model_config = ConfigDict(...)` / `SettingsConfigDict(...)` / a dict,
//! class keywords (`class M(BaseModel, frozen=True, extra="forbid")`),
//! pydantic v1's inner `class Config:` (`frozen`, `allow_mutation = False`,
//! `extra = Extra.forbid`), and the bases of the same module it inherits
//! from. A `BaseSettings` subclass forbids extra fields by default
//! (pydantic-settings' default, and pydantic v1's), so it needs only
//! `frozen=True`. When the configuration cannot be read (a computed
//! `model_config`, a base from another module), nothing is reported.
//!
//! ## Why is this bad?
//! A mutable configuration lets any code change the retry or timeout policy
//! of a live client mid-process, for everyone sharing it. Without
//! `extra="forbid"`, a misspelled setting (`max_retry=0`) is silently
//! dropped and the default applies.
//!
//! ## Example
//! ```python
//! class ClientConfig(BaseModel):
//!     base_url: str
//!     max_retries: int = 3
//! ```
//!
//! ## Use instead
//! ```python
//! class ClientConfig(BaseModel):
//!     model_config = ConfigDict(extra="forbid", frozen=True)
//!
//!     base_url: str
//!     max_retries: int = 3
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Client Construction" (the config object
//!   is a frozen Pydantic model)

use ruff_python_ast::StmtClassDef;
use ruff_text_size::Ranged;

use super::configures_client;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::models::ExtraFields;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL703",
    name: "mutable-config-model",
    family: Family::Configuration,
    status: Status::Stable,
    summary: "A client configuration model is not both frozen and closed to extra fields.",
    boundary: false,
    markers: &[
        Marker::Word("BaseModel"),
        Marker::Word("BaseSettings"),
        Marker::Word("GenericModel"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        class: Some(check),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, class: &StmtClassDef) {
    let Some(model) = checker.semantic.class_model(class) else {
        return;
    };
    if !model.is_pydantic() || !configures_client(class) {
        return;
    }
    let (Some(frozen), Some(extra)) = (model.frozen, model.extra) else {
        return;
    };
    let forbids_extra = extra == ExtraFields::Forbid;
    let missing = match (frozen, forbids_extra) {
        (true, true) => return,
        (false, true) => "is not frozen; add `frozen=True`",
        (true, false) => "accepts unknown fields; add `extra=\"forbid\"`",
        (false, false) => {
            "is neither frozen nor closed to unknown fields; add `frozen=True, extra=\"forbid\"`"
        }
    };
    let message = format!(
        "Client configuration model `{}` {missing} to its `model_config`",
        class.name
    );
    let diagnostic =
        checker
            .locator
            .diagnostic(Rule::MutableConfigModel, message, class.name.range());
    checker.report(diagnostic);
}
