//! WL1: client lifecycle. Where clients are built (import time, loops, lazy
//! globals), where they are reached for (module globals inside functions),
//! and whether a function that builds one also closes or hands it on.
//!
//! What a call's parent does with a new client, and whether a local holding
//! one is closed or handed on, come from the model's ownership facts.

pub mod client_at_import_time;
pub mod client_in_loop;
pub mod implicit_module_client;
pub mod lazy_global_client;
pub mod unclosed_client;

use ruff_python_ast::{self as ast, Expr, ExprCall, Stmt, StmtFunctionDef};
use ruff_text_size::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::{CallTarget, ScopeId};

/// Per-file lifecycle state.
#[derive(Debug, Default)]
pub struct State {
    /// WL104 candidates: (function scope, local name, constructor call, callee).
    unclosed_candidates: Vec<(ScopeId, String, TextRange, String)>,
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
    if let Expr::Name(name) = expr
        && name.ctx == ast::ExprContext::Load
        && checker.enabled(Rule::ImplicitModuleClient)
    {
        implicit_module_client::check(checker, name);
    }
}

pub fn analyze_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if !any_enabled(checker) {
        return;
    }
    let constructs_client = matches!(target, Some(CallTarget::ClientConstructor(_)));
    let call_use = checker.semantic.call_use(call);
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
    if let Stmt::Return(ast::StmtReturn {
        value: Some(value), ..
    }) = stmt
        && checker.enabled(Rule::LazyGlobalClient)
    {
        lazy_global_client::check_cached_return(checker, value);
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
