//! WL9: structured outputs and pagination. JSON validated by hand, tool
//! schemas written by hand, structured outputs read without their refusal
//! branch, offset pagination, and every page materialized into one list.
//!
//! The function-level rules (WL903-WL905) collect facts per unit: each
//! function body, and the module's own top-level code ([`unit_facts`]). A
//! unit is decided when its body has been visited (the rules'
//! `leave_function` hooks; the module in `finish`), from facts gathered as
//! its nodes arrived: enclosing loops, reads, calls, assignments, compared
//! by position.

pub(crate) mod hand_rolled_tool_schema;
pub(crate) mod manual_json_validation;
pub(crate) mod materialized_pages;
pub(crate) mod offset_pagination;
pub(crate) mod unchecked_refusal;

use rustc_hash::FxHashMap;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::ScopeId;

/// A rule's facts per unit: each function body (keyed by its scope) and the
/// module's own top-level code (keyed `None`).
pub(crate) type Units<Facts> = FxHashMap<Option<ScopeId>, Facts>;

/// `rule`'s facts about the unit the traversal is in.
pub(crate) fn unit_facts<'c, Facts: Default + 'static>(
    checker: &'c mut Checker,
    rule: Rule,
) -> &'c mut Facts {
    let key = checker.semantic.current_function_scope();
    checker
        .rule_states
        .get_mut::<Units<Facts>>(rule)
        .entry(key)
        .or_default()
}

/// Takes `rule`'s facts about the unit whose visit just ended: the current
/// function's, or the module's at the end of the file.
pub(crate) fn take_unit_facts<Facts: Default + 'static>(
    checker: &mut Checker,
    rule: Rule,
) -> Option<Facts> {
    let key = checker.semantic.current_function_scope();
    checker
        .rule_states
        .get_mut::<Units<Facts>>(rule)
        .remove(&key)
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
