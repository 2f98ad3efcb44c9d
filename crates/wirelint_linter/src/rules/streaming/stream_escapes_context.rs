//! # stream-escapes-context (WL503)
//!
//! ## What it does
//! Flags, inside a streaming `with` / `async with` block (one whose context
//! is a `stream=True` request or a streaming method), the `as` target
//! being returned, stored on `self` or another attribute or subscript,
//! assigned to a global, or added to a container (`append`, `add`,
//! `insert`, `put`, ...).
//!
//! Yielding items read from the stream, or even the stream itself from a
//! generator suspended inside the block, keeps it inside its context and is
//! fine.
//!
//! ## Why is this bad?
//! The block closes the stream when it ends: whoever receives the escaped
//! object gets a closed response (`StreamClosed`, `ResponseNotRead`), or,
//! if the block has not ended yet, keeps a connection that nothing will
//! return to the pool.
//!
//! ## Example
//! ```python
//! async def open_events(client: httpx.AsyncClient, url: str) -> httpx.Response:
//!     async with client.stream("GET", url) as response:
//!         return response
//! ```
//!
//! ## Use instead
//! ```python
//! async def events(client: httpx.AsyncClient, url: str) -> AsyncIterator[str]:
//!     async with client.stream("GET", url) as response:
//!         async for line in response.aiter_lines():
//!             yield line
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Streaming"

use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::stream_call;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, ScopeId};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL503",
    name: "stream-escapes-context",
    family: Family::Streaming,
    status: Status::Stable,
    summary: "A streaming `with` target is returned, stored or collected inside its block.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_stmt),
        call: Some(check_call),
        ..Hooks::NONE
    },
};

/// Streaming `with` targets: (scope, name, the block's body range).
type Targets = Vec<(ScopeId, String, TextRange)>;

/// Container methods that keep what they are given.
const STORING_METHODS: &[&str] = &[
    "append",
    "add",
    "insert",
    "extend",
    "setdefault",
    "put",
    "put_nowait",
];

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::With(stmt_with) => note_stream_targets(checker, stmt_with),
        Stmt::Return(ruff_python_ast::StmtReturn {
            value: Some(value), ..
        }) => {
            if let Some(name) = escaping_name(checker, value, stmt.range()) {
                report(checker, stmt.range(), &format!("`return {name}`"), &name);
            }
        }
        Stmt::Assign(assign) => {
            let Some(name) = escaping_name(checker, &assign.value, stmt.range()) else {
                return;
            };
            let escapes = assign.targets.iter().any(|target| match target {
                Expr::Attribute(_) | Expr::Subscript(_) => true,
                Expr::Name(target) => checker.semantic.is_declared_global(target.id.as_str()),
                _ => false,
            });
            if escapes {
                let what = format!("`{}`", checker.locator.slice(stmt.range()));
                report(checker, stmt.range(), &what, &name);
            }
        }
        _ => {}
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return;
    };
    if !STORING_METHODS.contains(&attribute.attr.as_str()) {
        return;
    }
    for argument in &call.arguments.args {
        if let Some(name) = escaping_name(checker, argument, call.range()) {
            let what = format!("`{}`", checker.locator.slice(call.range()));
            report(checker, call.range(), &what, &name);
        }
    }
}

/// Records the `as` targets of a `with` whose context opens a stream.
fn note_stream_targets(checker: &mut Checker, stmt_with: &ruff_python_ast::StmtWith) {
    let (Some(first), Some(last)) = (stmt_with.body.first(), stmt_with.body.last()) else {
        return;
    };
    let body = TextRange::new(first.start(), last.end());
    for item in &stmt_with.items {
        let Some(Expr::Name(target)) = item.optional_vars.as_deref() else {
            continue;
        };
        let context = match &item.context_expr {
            Expr::Await(await_expr) => await_expr.value.as_ref(),
            context => context,
        };
        let Expr::Call(call) = context else {
            continue;
        };
        let Some(call_target) = checker.semantic.classify_call(call) else {
            continue;
        };
        if stream_call(checker, call, &call_target).is_some() {
            let scope = checker.semantic.current_function_scope().unwrap_or(0);
            checker
                .rule_states
                .get_mut::<Targets>(Rule::StreamEscapesContext)
                .push((scope, target.id.to_string(), body));
        }
    }
}

/// The stream target `value` names, if it is one and `at` lies in its block.
fn escaping_name(checker: &mut Checker, value: &Expr, at: TextRange) -> Option<String> {
    let Expr::Name(name) = value else {
        return None;
    };
    let scope = checker.semantic.current_function_scope().unwrap_or(0);
    checker
        .rule_states
        .get_mut::<Targets>(Rule::StreamEscapesContext)
        .iter()
        .any(|(target_scope, target, body)| {
            *target_scope == scope && target == name.id.as_str() && body.contains_range(at)
        })
        .then(|| name.id.to_string())
}

fn report(checker: &mut Checker, range: TextRange, what: &str, name: &str) {
    let message = format!(
        "{what} lets the stream `{name}` outlive its `with` block; consume it inside the block"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::StreamEscapesContext, message, range);
    checker.report(diagnostic);
}
