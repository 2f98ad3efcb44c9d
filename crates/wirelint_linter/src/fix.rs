//! Building and applying fixes: finding (or adding) the import a fix needs,
//! and applying a file's fixes to its source without overlapping edits.

use std::collections::BTreeSet;

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::import_insertion::import_insertion;

/// How a fix refers to `module.member` (e.g. `httpx.Timeout`), and the edit
/// that makes the reference work, if one is needed: through the module's
/// import (`httpx.Timeout`, `hx.Timeout` after `import httpx as hx`), else
/// through an import of the member (`Timeout` after `from httpx import
/// Timeout`), else through a new `import module` placed where the import
/// sorters put it ([`import_insertion`]). Imports under `if TYPE_CHECKING:`
/// do not exist at run time and are not used.
pub(crate) fn member_reference(
    checker: &Checker,
    module: &str,
    member: &str,
    used_at: TextSize,
) -> (String, Option<Edit>) {
    if let Some(name) = runtime_import_name(checker, module) {
        return (format!("{name}.{member}"), None);
    }
    if let Some(name) = runtime_import_name(checker, &format!("{module}.{member}")) {
        return (name.to_string(), None);
    }
    let (offset, text) = import_insertion(
        checker.module_body,
        checker.locator.source(),
        module,
        used_at,
    );
    let edit = checker.locator.edit(TextRange::empty(offset), text);
    (format!("{module}.{member}"), Some(edit))
}

/// The module-scope name an import binds `qualified` to, unless that import
/// sits under `if TYPE_CHECKING:`.
fn runtime_import_name<'a>(checker: &Checker<'a>, qualified: &str) -> Option<&'a str> {
    let name = checker.semantic.module_import_name(qualified)?;
    let binding = checker.semantic.module_scope().get(name)?;
    // The top-level statement holding the import, found by position (the
    // body is in source order): one lookup per fix, not a pass over the
    // module, which made a file with many fixes quadratic.
    let index = checker
        .module_body
        .partition_point(|stmt| stmt.end() <= binding.range.start());
    let type_checking_only = checker.module_body.get(index).is_some_and(|stmt| {
        matches!(stmt, Stmt::If(stmt_if)
            if is_type_checking(checker, &stmt_if.test) && stmt_if.range().contains_range(binding.range))
    });
    (!type_checking_only).then_some(name)
}

/// `TYPE_CHECKING` or `typing.TYPE_CHECKING`.
fn is_type_checking(checker: &Checker, test: &Expr) -> bool {
    match test {
        Expr::Name(name) => name.id.as_str() == "TYPE_CHECKING",
        _ => matches!(
            checker.semantic.qualified_name(test).as_deref(),
            Some("typing.TYPE_CHECKING" | "typing_extensions.TYPE_CHECKING")
        ),
    }
}

/// The result of applying fixes to one source text.
#[derive(Debug, PartialEq, Eq)]
pub struct FixedSource {
    pub source: String,
    /// How many diagnostics' fixes were applied.
    pub applied: usize,
}

/// Applies the fixes of `diagnostics` whose applicability is allowed. A fix
/// whose edits overlap an already applied one is skipped (run again to apply
/// it); identical edits shared by several fixes (an added import) apply once.
pub fn apply_fixes(source: &str, diagnostics: &[Diagnostic], include_unsafe: bool) -> FixedSource {
    let mut fixes: Vec<&crate::Fix> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic.fix.as_ref())
        .filter(|fix| include_unsafe || fix.applicability == Applicability::Safe)
        .filter(|fix| !fix.edits.is_empty())
        .collect();
    fixes.sort_by_key(|fix| fix.edits.iter().map(|edit| edit.range.start()).min());

    // The accepted edits, and their ranges ordered by start, so each new
    // edit is checked against its neighbours only: one pass, however many
    // fixes a file has.
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut shared: FxHashSet<(TextRange, &str)> = FxHashSet::default();
    let mut taken: BTreeSet<(TextSize, TextSize)> = BTreeSet::new();
    let mut applied = 0;
    for fix in fixes {
        let new_edits: Vec<&Edit> = fix
            .edits
            .iter()
            .filter(|edit| !shared.contains(&(edit.range, edit.content.as_str())))
            .collect();
        if new_edits
            .iter()
            .any(|edit| conflicts_with_taken(&taken, edit.range))
        {
            continue;
        }
        for edit in new_edits {
            shared.insert((edit.range, edit.content.as_str()));
            taken.insert((edit.range.start(), edit.range.end()));
            accepted.push(edit);
        }
        applied += 1;
    }
    accepted.sort_by_key(|edit| (edit.range.start(), edit.range.end()));

    let mut output = String::with_capacity(source.len() + 64);
    let mut cursor = 0;
    for edit in accepted {
        output.push_str(&source[cursor..edit.range.start().to_usize()]);
        output.push_str(&edit.content);
        cursor = edit.range.end().to_usize();
    }
    output.push_str(&source[cursor..]);
    FixedSource {
        source: output,
        applied,
    }
}

/// Whether `range` conflicts with one of the `taken` ranges (which do not
/// conflict with each other). Only ranges starting inside `range` (the
/// first few of which decide) and those with the last start before it
/// (only they can reach into it) need looking at.
fn conflicts_with_taken(taken: &BTreeSet<(TextSize, TextSize)>, range: TextRange) -> bool {
    let conflicts =
        |&(start, end): &(TextSize, TextSize)| ranges_conflict(TextRange::new(start, end), range);
    let lowest = TextSize::new(0);
    let highest = TextSize::new(u32::MAX);
    if taken
        .range((range.start(), lowest)..=(range.end(), highest))
        .any(conflicts)
    {
        return true;
    }
    let Some(&(last_start, _)) = taken.range(..(range.start(), lowest)).next_back() else {
        return false;
    };
    taken
        .range((last_start, lowest)..(range.start(), lowest))
        .any(conflicts)
}

/// Two edits conflict when their ranges overlap, or when both insert at the
/// same point (their order would be ambiguous).
fn ranges_conflict(a: TextRange, b: TextRange) -> bool {
    #[cfg(test)]
    tests::COMPARISONS.set(tests::COMPARISONS.get() + 1);
    if a.is_empty() && b.is_empty() {
        return a.start() == b.start();
    }
    a.start() < b.end() && b.start() < a.end()
}

#[cfg(test)]
mod tests {
    use crate::settings::LinterSettings;
    use crate::{Rule, lint_source};

    use super::apply_fixes;

    fn fix_all(source: &str) -> String {
        let diagnostics = lint_source(source, &LinterSettings::default());
        apply_fixes(source, &diagnostics, false).source
    }

    #[test]
    fn adds_the_httpx_import_once_after_docstring_and_future_imports() {
        let source = "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nfrom openai import OpenAI\n\na = OpenAI(timeout=5)\nb = OpenAI(timeout=7)\n";
        let expected = "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport httpx\nfrom openai import OpenAI\n\na = OpenAI(timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))\nb = OpenAI(timeout=httpx.Timeout(7, connect=7, read=7, write=7, pool=7))\n";
        assert_eq!(fix_all(source), expected);
    }

    #[test]
    fn uses_the_existing_import_alias() {
        let source = "import httpx as hx\nimport openai\nc = openai.OpenAI(timeout=5)\n";
        assert!(fix_all(source).contains("timeout=hx.Timeout(5, connect=5"));
    }

    /// A stand-in fix replacing `start..end` with `content`.
    fn replacing(start: u32, end: u32, content: &str) -> crate::Diagnostic {
        let location = crate::Location { row: 1, column: 1 };
        let range = ruff_text_size::TextRange::new(start.into(), end.into());
        let edit = crate::Edit {
            range,
            content: content.to_string(),
            location,
            end_location: location,
        };
        crate::Diagnostic {
            rule: Rule::ScalarTimeout,
            message: String::new(),
            range,
            location,
            end_location: location,
            fix: Some(crate::Fix {
                applicability: crate::Applicability::Safe,
                message: String::new(),
                edits: vec![edit],
            }),
        }
    }

    #[test]
    fn overlapping_edits_wait_and_shared_edits_apply_once() {
        let source = "0123456789";
        let fixes = vec![
            replacing(2, 5, "a"),
            replacing(4, 6, "b"), // overlaps the first
            replacing(5, 5, "c"), // an insertion where the first ends
            replacing(5, 5, "d"), // a second insertion at the same point
            replacing(0, 0, "<"), // an insertion at the start
            replacing(0, 0, "<"), // the same insertion again: shared
            replacing(6, 8, "e"),
            replacing(7, 7, "f"), // inside the last
        ];
        let fixed = apply_fixes(source, &fixes, false);
        assert_eq!(fixed.source, "<01ac5e89");
        assert_eq!(fixed.applied, 5);
    }

    /// The obvious quadratic way: every new edit against every accepted one.
    fn accepted_the_slow_way(diagnostics: &[crate::Diagnostic]) -> Vec<(u32, u32, String)> {
        let mut fixes: Vec<&crate::Fix> =
            diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
        fixes.sort_by_key(|fix| fix.edits.iter().map(|edit| edit.range.start()).min());
        let mut accepted: Vec<&crate::Edit> = Vec::new();
        for fix in fixes {
            let new: Vec<_> = fix.edits.iter().filter(|e| !accepted.contains(e)).collect();
            if !new.iter().any(|e| {
                accepted
                    .iter()
                    .any(|a| super::ranges_conflict(a.range, e.range))
            }) {
                accepted.extend(new);
            }
        }
        let mut edits: Vec<_> = accepted
            .iter()
            .map(|e| {
                (
                    e.range.start().into(),
                    e.range.end().into(),
                    e.content.clone(),
                )
            })
            .collect();
        edits.sort();
        edits
    }

    #[test]
    fn the_one_pass_check_agrees_with_the_obvious_one() {
        // Random small edits over a 12-character source, from a fixed seed.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |bound: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            u32::try_from(state % u64::from(bound)).unwrap()
        };
        let source = "abcdefghijkl";
        for _ in 0..5_000 {
            let fixes: Vec<_> = (0..next(8) + 1)
                .map(|_| {
                    let start = next(13);
                    let end = (start + next(4)).min(12);
                    replacing(start, end, ["X", "Y"][next(2) as usize])
                })
                .collect();
            let fixed = apply_fixes(source, &fixes, false);
            let mut expected = String::new();
            let mut cursor = 0;
            for (start, end, content) in accepted_the_slow_way(&fixes) {
                expected.push_str(&source[cursor..start as usize]);
                expected.push_str(&content);
                cursor = end as usize;
            }
            expected.push_str(&source[cursor..]);
            assert_eq!(fixed.source, expected, "{fixes:?}");
        }
    }

    thread_local! {
        /// How many pairs of ranges were compared on this thread.
        pub(super) static COMPARISONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn many_fixes_apply_in_one_pass() {
        // 20,000 fixes side by side, and as many sharing one added import:
        // comparing each with every accepted one takes 400 million steps.
        let count = 20_000u32;
        let source = "x".repeat(count as usize);
        let mut fixes: Vec<_> = (0..count).map(|i| replacing(i, i + 1, "y")).collect();
        fixes.extend((0..count).map(|_| replacing(0, 0, "#")));
        COMPARISONS.set(0);
        let fixed = apply_fixes(&source, &fixes, false);
        assert_eq!(fixed.applied, 2 * count as usize);
        assert_eq!(fixed.source, format!("#{}", "y".repeat(count as usize)));
        let per_fix = COMPARISONS.get() / (2 * count as usize);
        assert!(per_fix <= 4, "{per_fix} comparisons per fix");
    }

    #[test]
    fn uses_an_imported_timeout_class_and_skips_type_checking_imports() {
        let source =
            "from httpx import Timeout as T\nimport openai\nc = openai.OpenAI(timeout=5)\n";
        assert!(fix_all(source).contains("timeout=T(5, connect=5"));
        let source = "from typing import TYPE_CHECKING\n\nimport openai\n\nif TYPE_CHECKING:\n    import httpx\n\nc = openai.OpenAI(timeout=5)\n";
        assert_eq!(
            fix_all(source),
            "from typing import TYPE_CHECKING\n\nimport httpx\nimport openai\n\nif TYPE_CHECKING:\n    import httpx\n\nc = openai.OpenAI(timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))\n"
        );
    }

    #[test]
    fn unsafe_fixes_need_opting_in() {
        let source = "import requests\nrequests.get(u, timeout=5)\n";
        let mut diagnostics = lint_source(source, &LinterSettings::default());
        assert_eq!(diagnostics[0].rule, Rule::ScalarTimeout);
        diagnostics[0].fix.as_mut().unwrap().applicability = crate::Applicability::Unsafe;
        assert_eq!(apply_fixes(source, &diagnostics, false).applied, 0);
        assert_eq!(apply_fixes(source, &diagnostics, true).applied, 1);
    }
}
