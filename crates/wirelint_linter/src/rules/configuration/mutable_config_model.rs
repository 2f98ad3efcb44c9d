//! # mutable-config-model (WL703)
//!
//! ## What it does
//! Flags a pydantic model that configures a client unless it is both frozen
//! (`frozen=True`) and closed to unknown fields (`extra="forbid"`).
//!
//! A model configures a client when two pieces of evidence say so: its name
//! ends in `Config`, `Settings` or `Options`, it has a `base_url`,
//! `endpoint`, `api_key`, `timeout` or `max_retries` field, or a client of this file is
//! built from it (`httpx.Client(base_url=config.base_url)`, where `config`
//! is a parameter annotated with the model or a name bound to an instance
//! of it); a subclass of a confirmed one configures the same client. A
//! name alone is a guess: a request payload such as
//! `ReaderConfig(BaseModel)`, a parsed response section
//! (`ConversationConfig`), or a model whose one client-like field hands a
//! new key to a caller is left alone unless a client is built from it.
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

use ruff_python_ast::{Expr, ExprCall, StmtClassDef, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use super::{ClientConfigEvidence, client_config_evidence};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::argument_values;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::models::ExtraFields;
use crate::semantic::names::read_names;
use crate::semantic::{BindingKind, CallTarget, ScopeId};

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
        enter_function: Some(note_model_parameters),
        call: Some(note_client_built_from),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Models with one piece of evidence wait for a client built from them.
#[derive(Default)]
struct Guesses {
    /// Findings, with the range of their class's name.
    pending: Vec<(TextRange, Diagnostic)>,
    /// Model classes (by the range of their name) a client is built from.
    built_from: FxHashSet<TextRange>,
    /// Model classes whose own name and fields confirm them.
    confirmed: FxHashSet<TextRange>,
    /// Parameters annotated with a model class of this file:
    /// (function scope, parameter) → the class.
    parameters: FxHashMap<(ScopeId, String), TextRange>,
}

fn check(checker: &mut Checker, class: &StmtClassDef) {
    let Some(model) = checker.semantic.class_model(class) else {
        return;
    };
    if !model.is_pydantic() {
        return;
    }
    let mut evidence = client_config_evidence(class);
    // A subclass of a client configuration of this file configures the
    // same client.
    let inherits_confirmed = class.bases().iter().any(|base| {
        model_class(checker, base).is_some_and(|base| {
            checker
                .rule_states
                .get::<Guesses>(Rule::MutableConfigModel)
                .is_some_and(|guesses| guesses.confirmed.contains(&base))
        })
    });
    if inherits_confirmed {
        evidence = ClientConfigEvidence::Confirmed;
    }
    match evidence {
        ClientConfigEvidence::None => return,
        ClientConfigEvidence::Guess => {}
        ClientConfigEvidence::Confirmed => {
            checker
                .rule_states
                .get_mut::<Guesses>(Rule::MutableConfigModel)
                .confirmed
                .insert(class.name.range());
        }
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
    if evidence == ClientConfigEvidence::Confirmed {
        checker.report(diagnostic);
    } else {
        checker
            .rule_states
            .get_mut::<Guesses>(Rule::MutableConfigModel)
            .pending
            .push((class.name.range(), diagnostic));
    }
}

fn finish(checker: &mut Checker) {
    let guesses: Guesses = checker.rule_states.take(Rule::MutableConfigModel);
    for (class, diagnostic) in guesses.pending {
        if guesses.built_from.contains(&class) {
            checker.report(diagnostic);
        }
    }
}

/// The model class of this file an annotation names: `Config`,
/// `Config | None`.
fn annotated_model(checker: &Checker, annotation: &Expr) -> Option<TextRange> {
    let annotation = match annotation {
        Expr::BinOp(binop) if binop.right.is_none_literal_expr() => binop.left.as_ref(),
        other => other,
    };
    model_class(checker, annotation)
}

/// The range of the model class `expr` names, if it names one of this file.
fn model_class(checker: &Checker, expr: &Expr) -> Option<TextRange> {
    let model = checker.semantic.model_named_by(expr)?;
    if !model.is_pydantic() {
        return None;
    }
    let name = expr.as_name_expr()?;
    Some(checker.semantic.lookup(name.id.as_str())?.range)
}

/// Notes the parameters annotated with a model class of this file.
fn note_model_parameters(checker: &mut Checker, function: &StmtFunctionDef) {
    // Only guesses need a client built from them; module-level classes are
    // all known before any function body.
    if checker
        .rule_states
        .get::<Guesses>(Rule::MutableConfigModel)
        .is_none_or(|guesses| guesses.pending.is_empty())
    {
        return;
    }
    let Some(scope) = checker.semantic.current_function_scope() else {
        return;
    };
    for parameter in &function.parameters {
        let parameter = parameter.as_parameter();
        let Some(class) = parameter
            .annotation()
            .and_then(|annotation| annotated_model(checker, annotation))
        else {
            continue;
        };
        checker
            .rule_states
            .get_mut::<Guesses>(Rule::MutableConfigModel)
            .parameters
            .insert((scope, parameter.name.to_string()), class);
    }
}

/// A client constructor whose arguments read a model instance: the model
/// configures that client.
fn note_client_built_from(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if !matches!(target, Some(CallTarget::ClientConstructor(_)))
        || checker
            .rule_states
            .get::<Guesses>(Rule::MutableConfigModel)
            .is_none_or(|guesses| guesses.pending.is_empty())
    {
        return;
    }
    let mut names = Vec::new();
    for argument in argument_values(call) {
        read_names(argument, &mut names);
    }
    for name in names {
        let Some(class) = instance_model(checker, &name) else {
            continue;
        };
        checker
            .rule_states
            .get_mut::<Guesses>(Rule::MutableConfigModel)
            .built_from
            .insert(class);
    }
}

/// The model class a name holds an instance of: a parameter annotated with
/// it, or a name bound to `Model(...)` / `Model.from_env()`.
fn instance_model(checker: &Checker, name: &str) -> Option<TextRange> {
    let (scope, binding) = checker.semantic.lookup_with_scope(name)?;
    match binding.kind {
        BindingKind::Parameter => checker
            .rule_states
            .get::<Guesses>(Rule::MutableConfigModel)?
            .parameters
            .get(&(scope, name.to_string()))
            .copied(),
        BindingKind::Assignment => {
            let Expr::Call(call) = binding.value? else {
                return None;
            };
            let class = match call.func.as_ref() {
                Expr::Attribute(attribute) => attribute.value.as_ref(),
                callee => callee,
            };
            model_class(checker, class)
        }
        _ => None,
    }
}
