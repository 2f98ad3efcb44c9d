//! Building and applying fixes: finding (or adding) the import a fix needs,
//! and applying a file's fixes to its source without overlapping edits.

use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

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
pub fn member_reference(
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
    let type_checking_only = checker.module_body.iter().any(|stmt| {
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
