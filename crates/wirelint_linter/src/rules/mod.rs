//! The rules, one file per rule, grouped by family. Each file's `//!` comment
//! is the rule's user documentation (`wirelint rule CODE` prints it).
//!
//! This module is the dispatch table: the checker calls [`analyze_expr`] and
//! [`analyze_stmt`] for every node it visits, and they call each enabled rule
//! interested in that kind of node. Shared facts (what a call talks to) are
//! computed once here, not per rule.

pub mod internal;
pub mod timeouts;

use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};

use crate::checker::{Checker, mentions_any};
use crate::registry::Rule;
use crate::semantic::KnownNames;
use crate::settings::LinterSettings;

/// Per-file state that rules keep between nodes and settle in [`finish`].
#[derive(Debug, Default)]
pub struct RuleState {
    pub missing_timeout: timeouts::missing_timeout::State,
}

/// The fast path: every rule here needs a network library (or the stdlib
/// HTTP modules) to be imported, so a file that never names one is only
/// parsed, not visited.
pub fn any_enabled_rule_can_fire(
    settings: &LinterSettings,
    source: &str,
    known: &KnownNames,
) -> bool {
    let any_rule = settings
        .rules
        .iter()
        .any(|rule| rule.family() != crate::Family::Internal);
    any_rule && mentions_any(source, known.import_markers())
}

/// Called for every expression, before its children.
pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    if let Expr::Call(call) = expr {
        let timeout_rules = [
            Rule::ScalarTimeout,
            Rule::TimeoutWithoutPool,
            Rule::MissingTimeout,
            Rule::TimeoutDisabled,
        ];
        if timeout_rules.iter().any(|rule| checker.enabled(*rule))
            && let Some(target) = checker.semantic.classify_call(call)
        {
            if checker.enabled(Rule::ScalarTimeout) {
                timeouts::scalar_timeout::check(checker, call, &target);
            }
            if checker.enabled(Rule::TimeoutWithoutPool) {
                timeouts::timeout_without_pool::check(checker, call, &target);
            }
            if checker.enabled(Rule::MissingTimeout) {
                timeouts::missing_timeout::check(checker, call, &target);
            }
            if checker.enabled(Rule::TimeoutDisabled) {
                timeouts::timeout_disabled::check(checker, call, &target);
            }
        }
    }
}

/// Called for every statement, before its children.
pub fn analyze_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::ClassDef(class) = stmt
        && checker.enabled(Rule::MissingTimeout)
    {
        timeouts::missing_timeout::note_class(checker, class);
    }
}

/// Called when a function body is entered (after its parameters are bound).
pub fn enter_function(_checker: &mut Checker, _function: &StmtFunctionDef) {}

/// Called when a function body has been visited.
pub fn leave_function(_checker: &mut Checker, _function: &StmtFunctionDef) {}

/// Called once after the whole file has been visited.
pub fn finish(checker: &mut Checker) {
    if checker.enabled(Rule::MissingTimeout) {
        timeouts::missing_timeout::finish(checker);
    }
}
