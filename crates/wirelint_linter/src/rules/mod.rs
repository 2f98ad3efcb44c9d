//! The rules, one file per rule, grouped by family. Each file's `//!` comment
//! is the rule's user documentation (`wirelint rule CODE` prints it).
//!
//! This module is the dispatch table: the checker calls [`analyze_expr`] and
//! [`analyze_stmt`] for every node it visits, and they call each enabled rule
//! interested in that kind of node. Shared facts (what a call talks to) are
//! computed once here, not per rule.

pub mod concurrency;
pub mod internal;
pub mod lifecycle;
pub mod timeouts;

use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};

use crate::checker::{Checker, mentions_any};
use crate::registry::{Family, Rule};
use crate::semantic::KnownNames;
use crate::settings::LinterSettings;

/// Per-file state that rules keep between nodes and settle in [`finish`].
#[derive(Debug, Default)]
pub struct RuleState {
    pub missing_timeout: timeouts::missing_timeout::State,
    pub lifecycle: lifecycle::State,
    pub concurrency: concurrency::State,
}

/// Stands, in a rule's markers, for the names of the network modules and
/// the stdlib HTTP modules.
const NETWORK: &str = "@network";

/// Words of which at least one occurs in any file where the rule can fire.
/// A file that contains none of the enabled rules' markers is parsed (for
/// WL001) but not visited: the fast path.
fn markers(rule: Rule) -> &'static [&'static str] {
    match rule {
        // `time.sleep` blocks the loop whether or not the file talks HTTP.
        Rule::BlockingCallInAsync => &[NETWORK, "sleep"],
        _ if rule.family() == Family::Internal => &[],
        _ => &[NETWORK],
    }
}

/// Whether any enabled rule could fire on `source`, by its markers.
pub fn any_enabled_rule_can_fire(
    settings: &LinterSettings,
    source: &str,
    known: &KnownNames,
) -> bool {
    let mut words: Vec<&str> = Vec::new();
    for rule in settings.rules.iter() {
        for marker in markers(rule) {
            if *marker == NETWORK {
                words.extend(known.import_markers());
            } else {
                words.push(marker);
            }
        }
    }
    words.sort_unstable();
    words.dedup();
    !words.is_empty() && mentions_any(source, &words)
}

/// Called for every expression, before its children. What a call talks to
/// is classified once here and handed to every family that wants it.
pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    lifecycle::analyze_expr(checker, expr);
    concurrency::analyze_expr(checker, expr);
    if let Expr::Call(call) = expr {
        let target = checker.semantic.classify_call(call);
        timeouts::analyze_call(checker, call, target.as_ref());
        lifecycle::analyze_call(checker, call, target.as_ref());
        concurrency::analyze_call(checker, call, target.as_ref());
    }
}

/// Called for every statement, before its children.
pub fn analyze_stmt(checker: &mut Checker, stmt: &Stmt) {
    timeouts::analyze_stmt(checker, stmt);
    lifecycle::analyze_stmt(checker, stmt);
}

/// Called when a function body is entered (after its parameters are bound).
pub fn enter_function(checker: &mut Checker, function: &StmtFunctionDef) {
    lifecycle::enter_function(checker, function);
}

/// Called when a function body has been visited.
pub fn leave_function(_checker: &mut Checker, _function: &StmtFunctionDef) {}

/// Called once after the whole file has been visited.
pub fn finish(checker: &mut Checker) {
    timeouts::finish(checker);
    lifecycle::finish(checker);
    concurrency::finish(checker);
}
