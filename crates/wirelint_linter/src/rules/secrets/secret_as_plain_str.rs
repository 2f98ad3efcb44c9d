//! # secret-as-plain-str (WL601)
//!
//! ## What it does
//! Flags a field named like a secret (`api_key`, `*_api_key`, `token`,
//! `*_token`, `secret`, `*_secret`, `password`, `passwd`, `credential(s)`,
//! `private_key`, `auth_key`) annotated `str`, `str | None` or
//! `Optional[str]` in a pydantic model (a `BaseModel` or `BaseSettings`
//! subclass, directly or through another class of the same module) or in a
//! dataclass of a module that imports a network library.
//!
//! Names that only look like secrets are left alone: `next_page_token`,
//! `page_token`, `max_tokens`, `token_type`, `token_url` and `*_tokens`
//! counts.
//!
//! ## Why is this bad?
//! A plain `str` prints itself everywhere: in `repr(config)`, in a
//! validation error, in a traceback's locals, in a debug log of the settings.
//! `SecretStr` prints as `**********` and hands out its value only through
//! `.get_secret_value()`, at the one call site that injects it into a header.
//!
//! ## Example
//! ```python
//! from pydantic_settings import BaseSettings
//!
//! class Settings(BaseSettings):
//!     api_key: str
//!     webhook_secret: str | None = None
//! ```
//!
//! ## Use instead
//! ```python
//! from pydantic import SecretStr
//! from pydantic_settings import BaseSettings
//!
//! class Settings(BaseSettings):
//!     api_key: SecretStr
//!     webhook_secret: SecretStr | None = None
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Non-negotiables" (secrets are `SecretStr`)
//!   and "Client Construction"

use ruff_python_ast::StmtClassDef;
use ruff_text_size::{Ranged, TextRange};

use super::is_secret_name;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::models::model_fields;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL601",
    name: "secret-as-plain-str",
    family: Family::Secrets,
    status: Status::Stable,
    summary: "A secret-named model field is a plain `str`; use `SecretStr`.",
    boundary: false,
    markers: &[
        Marker::Word("BaseModel"),
        Marker::Word("BaseSettings"),
        Marker::Word("GenericModel"),
        Marker::NetworkImport,
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
    if model.is_dataclass() && !checker.semantic.is_network_module() {
        return;
    }
    let kind = if model.is_dataclass() {
        "dataclass"
    } else {
        "model"
    };
    for (name, field) in model_fields(class) {
        if !is_secret_name(name.id.as_str())
            || !checker
                .semantic
                .annotation_is_builtin(&field.annotation, &["str"])
        {
            continue;
        }
        let annotation = checker.locator.slice(field.annotation.range());
        let message = format!(
            "`{}: {annotation}` in {kind} `{}` holds a secret as a plain string; use `SecretStr` in place of `str`",
            name.id, class.name
        );
        let range = TextRange::new(name.start(), field.annotation.end());
        let diagnostic = checker
            .locator
            .diagnostic(Rule::SecretAsPlainStr, message, range);
        checker.report(diagnostic);
    }
}
