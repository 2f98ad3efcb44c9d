//! Building and applying fixes: finding (or adding) the import a fix needs,
//! and applying a file's fixes to its source without overlapping edits.

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::checker::Checker;
use crate::diagnostic::{Applicability, Diagnostic, Edit};

/// How a fix refers to `module` (e.g. `httpx`): the name it is imported as
/// at module scope, or the module's own name plus an edit adding
/// `import module` after the module docstring and `__future__` imports.
pub(crate) fn module_reference(checker: &Checker, module: &str) -> (String, Option<Edit>) {
    if let Some(name) = checker.semantic.module_import_name(module) {
        return (name.to_string(), None);
    }
    let source = checker.locator.source();
    let offset = import_insertion_offset(checker.module_body, source);
    let prefix = if offset > TextSize::new(0) && !source[..offset.to_usize()].ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let edit = checker.locator.edit(
        TextRange::empty(offset),
        format!("{prefix}import {module}\n"),
    );
    (module.to_string(), Some(edit))
}

/// Where a new top-level import goes: at the start of the first statement
/// that is neither the module docstring nor a `from __future__` import, or
/// after the last of those when nothing follows.
fn import_insertion_offset(body: &[Stmt], source: &str) -> TextSize {
    let mut after = TextSize::new(0);
    for (index, stmt) in body.iter().enumerate() {
        let is_docstring =
            index == 0 && matches!(stmt, Stmt::Expr(expr) if expr.value.is_string_literal_expr());
        let is_future = matches!(
            stmt,
            Stmt::ImportFrom(import_from)
                if import_from.module.as_ref().is_some_and(|module| module.as_str() == "__future__")
        );
        if !is_docstring && !is_future {
            return line_start(source, stmt.start());
        }
        after = line_end_after(source, stmt.end());
    }
    after
}

fn line_start(source: &str, offset: TextSize) -> TextSize {
    let before = &source[..offset.to_usize()];
    TextSize::try_from(before.rfind('\n').map_or(0, |index| index + 1)).unwrap_or_default()
}

fn line_end_after(source: &str, offset: TextSize) -> TextSize {
    let rest = &source[offset.to_usize()..];
    let end = rest
        .find('\n')
        .map_or(source.len(), |index| offset.to_usize() + index + 1);
    TextSize::try_from(end).unwrap_or_default()
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

    let mut accepted: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let new_edits: Vec<&Edit> = fix
            .edits
            .iter()
            .filter(|edit| !accepted.contains(edit))
            .collect();
        let overlaps = new_edits.iter().any(|edit| {
            accepted
                .iter()
                .any(|taken| ranges_conflict(taken.range, edit.range))
        });
        if overlaps {
            continue;
        }
        accepted.extend(new_edits);
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

/// Two edits conflict when their ranges overlap, or when both insert at the
/// same point (their order would be ambiguous).
fn ranges_conflict(a: TextRange, b: TextRange) -> bool {
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
