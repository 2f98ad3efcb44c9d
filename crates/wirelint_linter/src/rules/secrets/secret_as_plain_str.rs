//! # secret-as-plain-str (WL601)
//!
//! ## What it does
//! Flags a field named like a secret (`api_key`, `*_api_key`, `token`,
//! `*_token`, `secret`, `*_secret`, `password`, `passwd`, `credential(s)`,
//! `private_key`, `auth_key`, `access_key`) annotated `str`, `str | None` or
//! `Optional[str]` in a pydantic settings class (a `BaseSettings` subclass,
//! anywhere: it reads credentials from the environment), or in a pydantic
//! model (a `BaseModel` subclass, directly or through another class of the
//! same module) or dataclass of a module that imports a network library
//! (at module level or inside a function), where a client is in reach. A model of a module with no network import
//! is a payload or a row, and is left alone.
//!
//! Names that only look like secrets are left alone: `next_page_token`,
//! `page_token`, `max_tokens`, `token_type`, `token_url` and `*_tokens`
//! counts.
//!
//! `token` alone is as often a piece of generated text as a credential
//! (`class StreamChunk(BaseModel): token: str`), so a bare `token` field
//! counts only in a settings class or a class whose name speaks of
//! credentials (`*Credentials`, `*Auth*`, `*Token*`, `*Session`,
//! `*Connection`, `*Config`, `*Client`...).
//!
//! Also left alone:
//! - a field whose author already kept it out of `repr`:
//!   `field(repr=False)`, `Field(repr=False)` (also inside `Annotated`),
//!   a `@dataclass(repr=False)` class, or a class that defines its own
//!   `__repr__`. Other ways a plain string shows itself remain (`str()`,
//!   traceback locals, validation errors), but the one this rule leads with
//!   is closed on purpose;
//! - an API response model whose job is to hand the secret to the caller:
//!   a class given as `response_model=` in this file, or the return
//!   annotation of a route handler (`@app.post("/path")`). `SecretStr`
//!   would serialize as `**********` and break the endpoint.
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

use ruff_python_ast::{Expr, ExprCall, StmtAnnAssign, StmtClassDef, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashSet;

use super::is_secret_name;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::models::model_fields;
use crate::semantic::names::MAX_EXPR_DEPTH;
use crate::semantic::{BindingKind, CallTarget};

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
        call: Some(note_response_model),
        enter_function: Some(note_route_return),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Findings wait for the end of the file: a class used later as an API
/// response payload is left alone.
#[derive(Default)]
struct Findings {
    /// Each finding, with the range of its class's name and whether it
    /// needs a network module.
    pending: Vec<(TextRange, bool, Diagnostic)>,
    /// Classes (by the range of their name) that are response payloads.
    responses: FxHashSet<TextRange>,
}

/// HTTP methods of a web framework's route decorators (`@app.post("/x")`).
const ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "api_route",
    "route",
];

fn check(checker: &mut Checker, class: &StmtClassDef) {
    let Some(model) = checker.semantic.class_model(class) else {
        return;
    };
    // A settings class reads credentials from the environment; any other
    // model holds a secret only where a network call is in reach.
    let needs_network = !model.is_settings();
    let credential_context = model.is_settings() || speaks_of_credentials(class.name.as_str());
    let kind = if model.is_dataclass() {
        "dataclass"
    } else {
        "model"
    };
    if repr_is_replaced(checker, class) {
        return;
    }
    for (name, field) in model_fields(class) {
        if !is_secret_name(name.id.as_str())
            || !checker
                .semantic
                .annotation_is_builtin(&field.annotation, &["str"])
            || field_repr_excluded(field)
            || (is_bare_token(name.id.as_str()) && !credential_context)
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
        checker
            .rule_states
            .get_mut::<Findings>(Rule::SecretAsPlainStr)
            .pending
            .push((class.name.range(), needs_network, diagnostic));
    }
}

/// Words in a class's name that make a bare `token` field a credential.
const CREDENTIAL_CLASS_WORDS: &[&str] = &[
    "credential",
    "auth",
    "token",
    "secret",
    "session",
    "connection",
    "login",
    "config",
    "settings",
    "options",
    "client",
];

/// `token` alone: in LLM code as often a piece of generated text
/// (`class StreamChunk(BaseModel): token: str`) as a credential.
fn is_bare_token(name: &str) -> bool {
    name.trim_matches('_').eq_ignore_ascii_case("token")
}

fn speaks_of_credentials(class_name: &str) -> bool {
    let lower = class_name.to_ascii_lowercase();
    CREDENTIAL_CLASS_WORDS
        .iter()
        .any(|word| lower.contains(word))
}

fn finish(checker: &mut Checker) {
    let findings: Findings = checker.rule_states.take(Rule::SecretAsPlainStr);
    // Whether the module imports a network library is final only now: a
    // lazy import inside a function counts too.
    let network = checker.semantic.is_network_module();
    for (class, needs_network, diagnostic) in findings.pending {
        if (network || !needs_network) && !findings.responses.contains(&class) {
            checker.report(diagnostic);
        }
    }
}

/// `@dataclass(repr=False)`, or a `__repr__` of the class's own.
fn repr_is_replaced(checker: &Checker, class: &StmtClassDef) -> bool {
    let defines_repr = class.body.iter().any(|stmt| {
        stmt.as_function_def_stmt()
            .is_some_and(|function| function.name.as_str() == "__repr__")
    });
    defines_repr
        || class.decorator_list.iter().any(|decorator| {
            decorator.expression.as_call_expr().is_some_and(|call| {
                checker
                    .semantic
                    .qualified_name(&call.func)
                    .is_some_and(|qualified| {
                        qualified.ends_with("dataclass") && turns_repr_off(call)
                    })
            })
        })
}

/// `field(repr=False)`, `Field(repr=False)`, or
/// `Annotated[str, Field(repr=False)]`.
fn field_repr_excluded(field: &StmtAnnAssign) -> bool {
    let in_value = field
        .value
        .as_deref()
        .and_then(Expr::as_call_expr)
        .is_some_and(turns_repr_off);
    let in_annotation = field
        .annotation
        .as_subscript_expr()
        .and_then(|subscript| subscript.slice.as_tuple_expr())
        .is_some_and(|metadata| {
            metadata
                .elts
                .iter()
                .filter_map(Expr::as_call_expr)
                .any(turns_repr_off)
        });
    in_value || in_annotation
}

fn turns_repr_off(call: &ExprCall) -> bool {
    call.arguments.find_keyword("repr").is_some_and(
        |keyword| matches!(&keyword.value, Expr::BooleanLiteral(boolean) if !boolean.value),
    )
}

/// `response_model=Payload` (FastAPI and the like).
fn note_response_model(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if let Some(keyword) = call.arguments.find_keyword("response_model") {
        note_response_classes(checker, &keyword.value, 0);
    }
}

/// `@app.post("/path") def handler(...) -> Payload`.
fn note_route_return(checker: &mut Checker, function: &StmtFunctionDef) {
    if function.decorator_list.is_empty() {
        return;
    }
    let Some(returns) = &function.returns else {
        return;
    };
    let is_route = function.decorator_list.iter().any(|decorator| {
        let Some(call) = decorator.expression.as_call_expr() else {
            return false;
        };
        let is_method = call
            .func
            .as_attribute_expr()
            .is_some_and(|attribute| ROUTE_METHODS.contains(&attribute.attr.as_str()));
        is_method
            && call
                .arguments
                .args
                .first()
                .and_then(Expr::as_string_literal_expr)
                .is_some_and(|path| path.value.to_str().starts_with('/'))
    });
    if is_route {
        note_response_classes(checker, returns, 0);
    }
}

/// Notes the classes of this file an annotation names (`Payload`,
/// `list[Payload]`, `Payload | None`).
fn note_response_classes(checker: &mut Checker, annotation: &Expr, depth: u32) {
    if depth > MAX_EXPR_DEPTH {
        return;
    }
    match annotation {
        Expr::Name(name) => {
            let Some(binding) = checker.semantic.lookup(name.id.as_str()) else {
                return;
            };
            if binding.kind == BindingKind::Class {
                let range = binding.range;
                checker
                    .rule_states
                    .get_mut::<Findings>(Rule::SecretAsPlainStr)
                    .responses
                    .insert(range);
            }
        }
        Expr::Subscript(subscript) => {
            note_response_classes(checker, &subscript.slice, depth + 1);
        }
        Expr::Tuple(tuple) => {
            for element in &tuple.elts {
                note_response_classes(checker, element, depth + 1);
            }
        }
        Expr::BinOp(binop) => {
            note_response_classes(checker, &binop.left, depth + 1);
            note_response_classes(checker, &binop.right, depth + 1);
        }
        _ => {}
    }
}
