//! WL1: client lifecycle. Where clients are built (import time, loops, lazy
//! globals), where they are reached for (module globals inside functions),
//! and whether a function that builds one also closes or hands it on.
//!
//! Parents are visited before their children, so this module notes, for
//! each client constructor call about to be visited, what its parent does
//! with it ([`CallUse`]): the rules read that when the call itself arrives.

pub mod client_at_import_time;
pub mod client_in_loop;
pub mod implicit_module_client;
pub mod lazy_global_client;
pub mod unclosed_client;

use ruff_python_ast::{self as ast, Expr, ExprCall, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::{CallTarget, ScopeId};

/// What the parent of a call does with the call's value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CallUse {
    /// The context expression of `with` / `async with`.
    WithContext,
    /// Returned or yielded.
    Returned,
    /// Passed to another call; `stores` when that call is a container's
    /// `append`/`add`/`extend`/`setdefault`/`insert`.
    Argument { stores: bool },
    /// Assigned to an attribute, a subscript or a container literal.
    Stored,
    /// Assigned to a plain local name.
    AssignedTo,
    /// Assigned, inside a function, to a name declared `global` there.
    AssignedToGlobal,
}

/// Per-file lifecycle state.
#[derive(Debug, Default)]
pub struct State {
    /// Constructor calls' uses, by the call's start offset.
    call_uses: FxHashMap<TextSize, CallUse>,
    /// WL104 candidates: (function scope, local name) → constructor call.
    unclosed_candidates: Vec<(ScopeId, String, TextRange, String)>,
    /// Local names in a function that were closed or handed on.
    released_names: FxHashSet<(ScopeId, String)>,
    /// WL103: functions already reported.
    implicit_reported: FxHashSet<ScopeId>,
    /// WL102: cached functions (scope) → their cache decorator's range.
    cached_functions: FxHashMap<ScopeId, TextRange>,
}

const RULES: [Rule; 5] = [
    Rule::ClientAtImportTime,
    Rule::LazyGlobalClient,
    Rule::ImplicitModuleClient,
    Rule::UnclosedClient,
    Rule::ClientInLoop,
];

fn any_enabled(checker: &Checker) -> bool {
    RULES.iter().any(|rule| checker.enabled(*rule))
}

pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    if !any_enabled(checker) {
        return;
    }
    match expr {
        Expr::Call(call) => note_call_arguments(checker, call),
        Expr::Yield(ast::ExprYield {
            value: Some(value), ..
        }) => {
            note_value_use(checker, value, CallUse::Returned);
        }
        Expr::YieldFrom(yield_from) => {
            note_value_use(checker, &yield_from.value, CallUse::Returned)
        }
        Expr::Named(named) => {
            if let Expr::Name(name) = named.target.as_ref() {
                note_assigned_to_name(checker, name.id.as_str(), &named.value);
            }
        }
        Expr::Name(name) if name.ctx == ast::ExprContext::Load => {
            if checker.enabled(Rule::ImplicitModuleClient) {
                implicit_module_client::check(checker, name);
            }
            if checker.enabled(Rule::UnclosedClient) {
                unclosed_client::note_closure_use(checker, name);
            }
        }
        _ => {}
    }
}

pub fn analyze_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if !any_enabled(checker) {
        return;
    }
    let constructs_client = matches!(target, Some(CallTarget::ClientConstructor(_)));
    let call_use = checker
        .rule_state
        .lifecycle
        .call_uses
        .get(&call.start())
        .copied();
    if constructs_client {
        if checker.enabled(Rule::ClientAtImportTime) {
            client_at_import_time::check(checker, call);
        }
        if checker.enabled(Rule::LazyGlobalClient) {
            lazy_global_client::check_global_store(checker, call, call_use);
        }
        if checker.enabled(Rule::UnclosedClient) {
            unclosed_client::check(checker, call, call_use);
        }
    }
    if let Some(target) = target
        && checker.enabled(Rule::ClientInLoop)
    {
        client_in_loop::check(checker, call, target, call_use);
    }
}

pub fn analyze_stmt(checker: &mut Checker, stmt: &Stmt) {
    if !any_enabled(checker) {
        return;
    }
    match stmt {
        Stmt::With(stmt_with) => {
            for item in &stmt_with.items {
                note_value_use(checker, &item.context_expr, CallUse::WithContext);
            }
        }
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => {
            note_value_use(checker, value, CallUse::Returned);
            if checker.enabled(Rule::LazyGlobalClient) {
                lazy_global_client::check_cached_return(checker, value);
            }
        }
        Stmt::Assign(assign) => {
            for target in &assign.targets {
                note_assignment(checker, target, &assign.value);
            }
        }
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => {
            note_assignment(checker, target, value);
        }
        _ => {}
    }
}

pub fn enter_function(checker: &mut Checker, function: &StmtFunctionDef) {
    if checker.enabled(Rule::LazyGlobalClient) {
        lazy_global_client::note_cached_function(checker, function);
    }
}

pub fn finish(checker: &mut Checker) {
    if checker.enabled(Rule::UnclosedClient) {
        unclosed_client::finish(checker);
    }
}

/// Records what an assignment does with its value.
fn note_assignment(checker: &mut Checker, target: &Expr, value: &Expr) {
    match target {
        Expr::Name(name) => note_assigned_to_name(checker, name.id.as_str(), value),
        _ => note_value_use(checker, value, CallUse::Stored),
    }
}

fn note_assigned_to_name(checker: &mut Checker, name: &str, value: &Expr) {
    match value {
        Expr::Call(call) => {
            let in_function = checker.semantic.current_function_scope().is_some();
            let call_use = if in_function && checker.semantic.is_declared_global(name) {
                CallUse::AssignedToGlobal
            } else {
                CallUse::AssignedTo
            };
            checker
                .rule_state
                .lifecycle
                .call_uses
                .insert(call.start(), call_use);
            if call_use == CallUse::AssignedTo && checker.enabled(Rule::UnclosedClient) {
                unclosed_client::note_candidate(checker, name, call);
            }
        }
        // `x = a if c else Client()`, `x = existing or Client()`: each
        // alternative is assigned to the name.
        Expr::If(if_expr) => {
            note_assigned_to_name(checker, name, &if_expr.body);
            note_assigned_to_name(checker, name, &if_expr.orelse);
        }
        Expr::BoolOp(bool_op) => {
            for alternative in &bool_op.values {
                note_assigned_to_name(checker, name, alternative);
            }
        }
        // `alias = client`: the client now has another owner; stay silent.
        _ => note_value_use(checker, value, CallUse::Stored),
    }
}

/// Records `use` for a value: a constructor call directly, the elements of
/// a container literal, or a local name (which is then released for WL104).
fn note_value_use(checker: &mut Checker, value: &Expr, call_use: CallUse) {
    match value {
        Expr::Call(call) => {
            checker
                .rule_state
                .lifecycle
                .call_uses
                .insert(call.start(), call_use);
        }
        Expr::Await(await_expr) => note_value_use(checker, &await_expr.value, call_use),
        Expr::If(if_expr) => {
            note_value_use(checker, &if_expr.body, call_use);
            note_value_use(checker, &if_expr.orelse, call_use);
        }
        Expr::BoolOp(bool_op) => {
            for alternative in &bool_op.values {
                note_value_use(checker, alternative, call_use);
            }
        }
        Expr::Name(name) => unclosed_client::release(checker, name.id.as_str()),
        Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::List(ast::ExprList { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => {
            let element_use = if call_use == CallUse::WithContext {
                call_use
            } else {
                CallUse::Stored
            };
            for element in elts {
                note_value_use(checker, element, element_use);
            }
        }
        Expr::Dict(dict) => {
            for item in dict {
                note_value_use(checker, &item.value, CallUse::Stored);
            }
        }
        Expr::Starred(starred) => note_value_use(checker, &starred.value, call_use),
        _ => {}
    }
}

/// Records the uses of a call's arguments, and `x.close()` / `x.aclose()`
/// (or a reference to those methods, as in `atexit.register(x.close)`).
fn note_call_arguments(checker: &mut Checker, call: &ExprCall) {
    let mut stores = false;
    if let Expr::Attribute(attribute) = call.func.as_ref() {
        let method = attribute.attr.as_str();
        if matches!(method, "close" | "aclose")
            && let Expr::Name(receiver) = attribute.value.as_ref()
        {
            unclosed_client::release(checker, receiver.id.as_str());
        }
        stores = matches!(
            method,
            "append" | "add" | "extend" | "setdefault" | "insert"
        );
    }
    let argument_use = CallUse::Argument { stores };
    for argument in &call.arguments.args {
        note_argument(checker, argument, argument_use);
    }
    for keyword in &call.arguments.keywords {
        note_argument(checker, &keyword.value, argument_use);
    }
}

fn note_argument(checker: &mut Checker, argument: &Expr, argument_use: CallUse) {
    if let Expr::Attribute(attribute) = argument
        && matches!(attribute.attr.as_str(), "close" | "aclose")
        && let Expr::Name(receiver) = attribute.value.as_ref()
    {
        unclosed_client::release(checker, receiver.id.as_str());
        return;
    }
    note_value_use(checker, argument, argument_use);
}
