//! WL9: structured outputs and pagination. JSON validated by hand, tool
//! schemas written by hand, structured outputs read without their refusal
//! branch, offset pagination, and every page materialized into one list.
//!
//! The function-level rules (WL903-WL905) collect facts per unit: each
//! function body, and the module's own top-level code. A unit is decided
//! when its body has been visited ([`leave_function`]; the module in
//! [`finish`]), from facts gathered as its nodes arrived: loop ranges,
//! reads, calls, assignments, compared by position.

pub mod hand_rolled_tool_schema;
pub mod manual_json_validation;
pub mod materialized_pages;
pub mod offset_pagination;
pub mod unchecked_refusal;

use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::{CallTarget, ScopeId};

/// Per-file state of the family: one [`Unit`] per open function (and the
/// module, keyed `None`).
#[derive(Debug, Default)]
pub struct State {
    units: FxHashMap<Option<ScopeId>, Unit>,
}

/// Facts about one function body (or the module's top-level code).
#[derive(Debug, Default)]
struct Unit {
    /// Every `for`/`while` loop: its whole range and its header.
    loops: Vec<Loop>,
    unchecked_refusal: unchecked_refusal::Facts,
    offset_pagination: offset_pagination::Facts,
    materialized_pages: materialized_pages::Facts,
}

#[derive(Copy, Clone, Debug)]
struct Loop {
    range: TextRange,
    header: TextRange,
}

impl Unit {
    /// The innermost loop holding `range`.
    fn innermost_loop(&self, range: TextRange) -> Option<Loop> {
        self.loops
            .iter()
            .filter(|candidate| candidate.range.contains_range(range))
            .min_by_key(|candidate| candidate.range.len())
            .copied()
    }
}

/// The rules that keep per-unit facts.
const UNIT_RULES: [Rule; 3] = [
    Rule::UncheckedRefusal,
    Rule::OffsetPagination,
    Rule::MaterializedPages,
];

fn any_unit_rule(checker: &Checker) -> bool {
    UNIT_RULES.iter().any(|rule| checker.enabled(*rule))
}

/// The unit the traversal is in.
fn unit<'c>(checker: &'c mut Checker) -> &'c mut Unit {
    let key = checker.semantic.current_function_scope();
    checker
        .rule_state
        .structured_outputs
        .units
        .entry(key)
        .or_default()
}

pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    if checker.enabled(Rule::HandRolledToolSchema)
        && let Expr::Dict(dict) = expr
    {
        hand_rolled_tool_schema::check(checker, dict);
    }
    if !any_unit_rule(checker) {
        return;
    }
    if checker.enabled(Rule::UncheckedRefusal) {
        unchecked_refusal::note_expr(checker, expr);
    }
    if checker.enabled(Rule::OffsetPagination) {
        offset_pagination::note_expr(checker, expr);
    }
    if checker.enabled(Rule::MaterializedPages) {
        materialized_pages::note_expr(checker, expr);
    }
}

pub fn analyze_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if checker.enabled(Rule::ManualJsonValidation) {
        manual_json_validation::check(checker, call);
    }
    if checker.enabled(Rule::OffsetPagination) && target.is_some() {
        offset_pagination::note_network_call(checker, call);
    }
}

pub fn analyze_stmt(checker: &mut Checker, stmt: &Stmt) {
    if !any_unit_rule(checker) {
        return;
    }
    let header = match stmt {
        Stmt::For(stmt_for) => Some(TextRange::new(stmt_for.start(), stmt_for.iter.end())),
        Stmt::While(stmt_while) => Some(TextRange::new(stmt_while.start(), stmt_while.test.end())),
        _ => None,
    };
    if let Some(header) = header {
        let range = stmt.range();
        unit(checker).loops.push(Loop { range, header });
    }
    if checker.enabled(Rule::UncheckedRefusal) {
        unchecked_refusal::note_stmt(checker, stmt);
    }
    if checker.enabled(Rule::OffsetPagination) {
        offset_pagination::note_stmt(checker, stmt);
    }
    if checker.enabled(Rule::MaterializedPages) {
        materialized_pages::note_stmt(checker, stmt);
    }
}

pub fn leave_function(checker: &mut Checker, function: &StmtFunctionDef) {
    if !any_unit_rule(checker) {
        return;
    }
    let key = checker.semantic.current_function_scope();
    if let Some(unit) = checker.rule_state.structured_outputs.units.remove(&key) {
        decide(checker, &unit, Some(function));
    }
}

pub fn finish(checker: &mut Checker) {
    if !any_unit_rule(checker) {
        return;
    }
    if let Some(unit) = checker.rule_state.structured_outputs.units.remove(&None) {
        decide(checker, &unit, None);
    }
}

/// Settles a unit's function-level rules.
fn decide(checker: &mut Checker, unit: &Unit, function: Option<&StmtFunctionDef>) {
    if checker.enabled(Rule::UncheckedRefusal) {
        unchecked_refusal::decide(checker, unit);
    }
    if checker.enabled(Rule::OffsetPagination) {
        offset_pagination::decide(checker, unit);
    }
    if checker.enabled(Rule::MaterializedPages)
        && let Some(function) = function
    {
        materialized_pages::decide(checker, unit, function);
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::apply_fixes;
    use crate::settings::{LinterSettings, RuleSelection};
    use crate::{Applicability, Diagnostic, lint_source};

    fn check(source: &str, code: &str) -> Vec<Diagnostic> {
        let selection = RuleSelection {
            select: Some(vec![code.parse().unwrap()]),
            preview: true,
            ..Default::default()
        };
        let settings = LinterSettings {
            rules: selection.resolve(),
            ..LinterSettings::default()
        };
        lint_source(source, &settings)
    }

    #[test]
    fn manual_validation_offers_an_unsafe_fix() {
        let source = "\
import json
from pydantic import TypeAdapter
adapter = TypeAdapter(list[int])
user = User.model_validate(json.loads(payload.text))
numbers = adapter.validate_python(json.loads(raw))
";
        let found = check(source, "WL901");
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|diagnostic| {
            diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
        }));
        assert_eq!(apply_fixes(source, &found, false).applied, 0);
        let fixed = apply_fixes(source, &found, true).source;
        assert!(
            fixed.contains("user = User.model_validate_json(payload.text)\n"),
            "{fixed}"
        );
        assert!(
            fixed.contains("numbers = adapter.validate_json(raw)\n"),
            "{fixed}"
        );
    }

    #[test]
    fn manual_validation_with_keywords_or_parse_obj_has_no_fix() {
        let source = "\
import json
a = User.model_validate(json.loads(text), strict=True)
b = User.parse_obj(json.loads(text))
";
        let found = check(source, "WL901");
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|diagnostic| diagnostic.fix.is_none()));
        assert!(
            found[1].message.contains("parse_raw"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn tool_schema_points_at_the_tool_dict() {
        let source = "tool = {\"name\": \"t\", \"input_schema\": {\"type\": \"object\", \"properties\": {\"a\": {}}}}\n";
        let found = check(source, "WL902");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.starts_with("Tool `t` has"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].location.column, 8);
        assert_eq!(found[0].end_location.column, source.trim_end().len() + 1);
    }

    #[test]
    fn unchecked_refusal_is_decided_per_function() {
        // The refusal check in `g` does not cover the read in `f`.
        let source = "\
def f(client):
    completion = client.chat.completions.parse(response_format=M)
    return completion.choices[0].message.parsed
def g(client):
    completion = client.chat.completions.parse(response_format=M)
    message = completion.choices[0].message
    if message.refusal:
        return None
    return message.parsed
";
        let found = check(source, "WL903");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].location.row, 3);
    }

    #[test]
    fn offset_pagination_points_at_the_loop_header() {
        let source = "\
import httpx
def f(client: httpx.Client):
    offset = 0
    while offset < 1000:
        client.get('/items', params={'offset': offset})
        offset += 100
";
        let found = check(source, "WL904");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].location.row, found[0].location.column), (4, 5));
        assert_eq!(
            (found[0].end_location.row, found[0].end_location.column),
            (4, 24)
        );
    }
}
