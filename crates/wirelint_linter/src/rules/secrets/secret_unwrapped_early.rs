//! # secret-unwrapped-early (WL605)
//!
//! *Preview.*
//!
//! ## What it does
//! Flags `.get_secret_value()` whose result (or a string built from it, like
//! `f"Bearer {key.get_secret_value()}"`) is stored: assigned to an attribute
//! (`self.api_key = ...`), to a module global or class attribute, or passed
//! to a model or dataclass of the same module as a field value.
//!
//! Unwrapping where the secret is injected is what the policy asks for and
//! is not flagged: inside a header or query mapping
//! (`headers={"Authorization": f"Bearer {key.get_secret_value()}"}`), as an
//! argument of the call that uses it (`OpenAI(api_key=key.get_secret_value())`),
//! or into a local variable used there.
//!
//! ## Why is this bad?
//! `SecretStr` keeps a secret out of reprs, logs and tracebacks only while it
//! stays wrapped. Once the plain value sits in an attribute or a global, it
//! is in every `repr(self)`, `vars(obj)`, debugger view and error report
//! that touches the object, for the object's whole life.
//!
//! ## Example
//! ```python
//! class ServiceClient:
//!     def __init__(self, config: ClientConfig) -> None:
//!         self._api_key = config.api_key.get_secret_value()
//! ```
//!
//! ## Use instead
//! ```python
//! class ServiceClient:
//!     def __init__(self, config: ClientConfig) -> None:
//!         self._config = config
//!         self._http = httpx.AsyncClient(
//!             headers={"Authorization": f"Bearer {config.api_key.get_secret_value()}"},
//!         )
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Non-negotiables" (secrets are `SecretStr`
//!   until the call site that injects them)

use ruff_python_ast::{Expr, ExprCall, InterpolatedStringElement, Operator, Stmt};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::names::MAX_EXPR_DEPTH;
use crate::semantic::{CallTarget, ScopeKind, SemanticModel};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL605",
    name: "secret-unwrapped-early",
    family: Family::Secrets,
    status: Status::Preview,
    summary: "`.get_secret_value()` is stored instead of used where the secret is injected.",
    boundary: false,
    markers: &[Marker::Word("get_secret_value")],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_stmt),
        call: Some(check_model_call),
        ..Hooks::NONE
    },
};

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Assign(assign) => {
            for target in &assign.targets {
                check_assignment(checker, target, &assign.value);
            }
        }
        Stmt::AnnAssign(ann_assign) => {
            if let Some(value) = &ann_assign.value {
                check_assignment(checker, &ann_assign.target, value);
            }
        }
        _ => {}
    }
}

/// `target = value` where `value` unwraps a secret and `target` outlives the
/// statement: an attribute, a global, a class attribute.
fn check_assignment(checker: &mut Checker, target: &Expr, value: &Expr) {
    let stored_as = match target {
        Expr::Attribute(_) => "an attribute",
        Expr::Name(name) => {
            let semantic = &checker.semantic;
            match semantic.current_scope().kind {
                ScopeKind::Module => "a module global",
                ScopeKind::Class => "a class attribute",
                _ if semantic.is_declared_global(name.id.as_str()) => "a module global",
                _ => return,
            }
        }
        _ => return,
    };
    let Some(unwrap) = unwrapped_secret(value, 0) else {
        return;
    };
    let message = format!(
        "The secret unwrapped by `{}` is stored in {stored_as} (`{}`); keep the `SecretStr` and unwrap it where it is injected into the header or query",
        snippet(checker, unwrap.range()),
        snippet(checker, target.range())
    );
    let diagnostic =
        checker
            .locator
            .diagnostic(Rule::SecretUnwrappedEarly, message, unwrap.range());
    checker.report(diagnostic);
}

/// `Model(field=key.get_secret_value())` for a model or dataclass of this
/// module.
fn check_model_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if !is_model_constructor(&checker.semantic, call) {
        return;
    }
    let values = call
        .arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value));
    for value in values {
        let Some(unwrap) = unwrapped_secret(value, 0) else {
            continue;
        };
        let message = format!(
            "The secret unwrapped by `{}` is stored in a field of `{}`; pass the `SecretStr` and unwrap it where it is injected",
            snippet(checker, unwrap.range()),
            snippet(checker, call.func.range())
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::SecretUnwrappedEarly, message, unwrap.range());
        checker.report(diagnostic);
    }
}

fn is_model_constructor(semantic: &SemanticModel, call: &ExprCall) -> bool {
    semantic.model_named_by(&call.func).is_some()
}

/// The `.get_secret_value()` call a value is (or is a string built from):
/// itself, f-string interpolations, `+`/`%` formatting, `str()`, and either
/// branch of a conditional or `or`. Mappings and other calls are where a
/// secret is injected, and are not looked into.
fn unwrapped_secret(value: &Expr, depth: u32) -> Option<&ExprCall> {
    if depth > MAX_EXPR_DEPTH {
        return None;
    }
    let depth = depth + 1;
    match value {
        Expr::Call(call) => {
            let attribute = call.func.as_attribute_expr();
            if attribute.is_some_and(|attribute| attribute.attr.as_str() == "get_secret_value") {
                return Some(call);
            }
            let is_str = call
                .func
                .as_name_expr()
                .is_some_and(|name| name.id.as_str() == "str");
            let is_format = attribute.is_some_and(|attribute| {
                attribute.attr.as_str() == "format" && attribute.value.is_string_literal_expr()
            });
            if !is_str && !is_format {
                return None;
            }
            call.arguments
                .args
                .iter()
                .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
                .find_map(|argument| unwrapped_secret(argument, depth))
        }
        Expr::FString(fstring) => fstring.value.elements().find_map(|element| match element {
            InterpolatedStringElement::Interpolation(interpolation) => {
                unwrapped_secret(&interpolation.expression, depth)
            }
            InterpolatedStringElement::Literal(_) => None,
        }),
        Expr::BinOp(binop) if matches!(binop.op, Operator::Add | Operator::Mod) => {
            unwrapped_secret(&binop.left, depth).or_else(|| unwrapped_secret(&binop.right, depth))
        }
        Expr::If(if_exp) => unwrapped_secret(&if_exp.body, depth)
            .or_else(|| unwrapped_secret(&if_exp.orelse, depth)),
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .find_map(|value| unwrapped_secret(value, depth)),
        Expr::Await(await_expr) => unwrapped_secret(&await_expr.value, depth),
        _ => None,
    }
}
