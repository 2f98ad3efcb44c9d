//! Code actions: a quick fix for each diagnostic with a fix (unsafe ones
//! only when `unsafeFixes` is on, and labelled so), "Disable WLxxx for this
//! line" (a `# noqa:` added or extended), and `source.fixAll.wirelint`
//! (every safe fix, applied until nothing is left to apply, as
//! `wirelint check --fix` does), which the `wirelint.applyAutofix` command
//! applies too.

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, NumberOrString, TextEdit,
    WorkspaceEdit,
};
use wirelint_linter::{Applicability, Diagnostic, Rule};
use wirelint_linter::{add_noqa, is_suppressible};
use wirelint_workspace::FixOptions;
use wirelint_workspace::fix_until_stable;

use crate::capabilities::FIX_ALL_KIND;
use crate::edits::{fix_edits, replacement, workspace_edit};
use crate::lint::{DiagnosticData, LintFn, LintResult, SOURCE, Snapshot, to_lsp};
use crate::scope::Plan;

/// The code actions for `params` on the snapshot, whose lint result is
/// `result`.
pub(crate) fn code_actions(
    snapshot: &Snapshot,
    result: &LintResult,
    params: &CodeActionParams,
    lint: &LintFn,
) -> Vec<CodeActionOrCommand> {
    let only = params.context.only.as_deref();
    let mut actions = Vec::new();
    if requested(&CodeActionKind::QUICKFIX, only) {
        for diagnostic in targets(snapshot, result, params) {
            let lsp = to_lsp(snapshot, diagnostic);
            if let Some(action) = quick_fix(snapshot, diagnostic, &lsp) {
                actions.push(action);
            }
            if let Some(action) = disable_for_line(snapshot, diagnostic, lsp) {
                actions.push(action);
            }
        }
    }
    let fix_all_kind = CodeActionKind::from(FIX_ALL_KIND.to_string());
    if requested(&fix_all_kind, only)
        && let Some(edit) = fix_all(snapshot, result, lint)
    {
        actions.push(CodeAction {
            title: "wirelint: fix all auto-fixable problems".to_string(),
            kind: Some(fix_all_kind),
            edit: Some(edit),
            ..CodeAction::default()
        });
    }
    actions
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// Whether `kind` is among the kinds asked for: `only` lists kinds and
/// their parents (`source` covers `source.fixAll.wirelint`).
fn requested(kind: &CodeActionKind, only: Option<&[CodeActionKind]>) -> bool {
    let Some(only) = only else {
        return true;
    };
    only.iter().any(|wanted| {
        let (kind, wanted) = (kind.as_str(), wanted.as_str());
        kind == wanted
            || kind
                .strip_prefix(wanted)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The diagnostics the request is about: ours among the context's
/// diagnostics (found again by their `data`, and only when it names the
/// snapshot's version), or, when the context has none of ours, those of the
/// requested range.
fn targets<'a>(
    snapshot: &Snapshot,
    result: &'a LintResult,
    params: &CodeActionParams,
) -> Vec<&'a Diagnostic> {
    let ours: Vec<&lsp_types::Diagnostic> = params
        .context
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.source.as_deref() == Some(SOURCE))
        .collect();
    if !ours.is_empty() {
        let mut found: Vec<&Diagnostic> = Vec::new();
        for wanted in ours {
            let Some(data) = wanted
                .data
                .clone()
                .and_then(|data| serde_json::from_value::<DiagnosticData>(data).ok())
            else {
                continue;
            };
            if data.version != snapshot.version {
                continue;
            }
            let code = match &wanted.code {
                Some(NumberOrString::String(code)) => code.as_str(),
                _ => continue,
            };
            if let Some(diagnostic) = result
                .diagnostics
                .iter()
                .find(|diagnostic| diagnostic.rule.code() == code && data.identifies(diagnostic))
                && !found.iter().any(|seen| std::ptr::eq(*seen, diagnostic))
            {
                found.push(diagnostic);
            }
        }
        return found;
    }
    let range = snapshot
        .index
        .text_range(&snapshot.text, params.range, snapshot.client.encoding);
    result
        .diagnostics
        .iter()
        .filter(|diagnostic| {
            diagnostic.range.start() <= range.end() && range.start() <= diagnostic.range.end()
        })
        .collect()
}

fn quick_fix(
    snapshot: &Snapshot,
    diagnostic: &Diagnostic,
    lsp: &lsp_types::Diagnostic,
) -> Option<CodeAction> {
    let fix = diagnostic.fix.as_ref()?;
    let is_safe = fix.applicability == Applicability::Safe;
    if fix.edits.is_empty() || !(is_safe || snapshot.scope.settings.unsafe_fixes) {
        return None;
    }
    let mut title = format!("{}: {}", diagnostic.rule.code(), fix.message);
    if !is_safe {
        title.push_str(" (unsafe fix: may change behaviour)");
    }
    let edits = fix_edits(snapshot, &fix.edits);
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp.clone()]),
        edit: Some(workspace_edit(snapshot, edits)),
        is_preferred: Some(is_safe),
        ..CodeAction::default()
    })
}

/// "Disable WLxxx for this line": the `# noqa:` that `--add-noqa` would
/// add for this one diagnostic. None for what a directive cannot silence,
/// and for a line that cannot take a comment.
fn disable_for_line(
    snapshot: &Snapshot,
    diagnostic: &Diagnostic,
    lsp: lsp_types::Diagnostic,
) -> Option<CodeAction> {
    if !is_suppressible(diagnostic.rule) || diagnostic.rule == Rule::UnusedNoqa {
        return None;
    }
    let addition = add_noqa(&snapshot.text, std::slice::from_ref(diagnostic)).ok()?;
    if addition.lines_changed == 0 {
        return None;
    }
    let edit = replacement(snapshot, &addition.source)?;
    Some(CodeAction {
        title: format!("Disable {} for this line", diagnostic.rule.code()),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp]),
        edit: Some(workspace_edit(snapshot, vec![edit])),
        ..CodeAction::default()
    })
}

/// Every safe fix of the document as one edit; `None` when there is none
/// to apply.
pub(crate) fn fix_all(
    snapshot: &Snapshot,
    result: &LintResult,
    lint: &LintFn,
) -> Option<WorkspaceEdit> {
    let options = FixOptions {
        unsafe_fixes: false,
        write: false,
    };
    if !result
        .diagnostics
        .iter()
        .any(|diagnostic| options.applies_to(diagnostic))
    {
        return None;
    }
    let Plan::Lint { settings, package } = &result.plan else {
        return None;
    };
    let fixed = fix_until_stable(
        &snapshot.text,
        result.diagnostics.clone(),
        options,
        |source| lint(source, package.as_deref(), settings),
    );
    let edit: TextEdit = replacement(snapshot, &fixed.source)?;
    Some(workspace_edit(snapshot, vec![edit]))
}

#[cfg(test)]
mod tests {
    use lsp_types::{CodeActionContext, Position, Range, TextDocumentIdentifier};

    use super::*;
    use crate::edits::tests::{apply, snapshot};
    use crate::lint::{engine, lint};
    use crate::positions::PositionEncoding;

    /// A request for the whole of line `line`.
    fn params(
        snapshot: &Snapshot,
        line: u32,
        only: Option<Vec<CodeActionKind>>,
    ) -> CodeActionParams {
        CodeActionParams {
            text_document: TextDocumentIdentifier {
                uri: snapshot.uri.clone(),
            },
            range: Range {
                start: Position { line, character: 0 },
                end: Position {
                    line,
                    character: u32::MAX,
                },
            },
            context: CodeActionContext {
                diagnostics: Vec::new(),
                only,
                trigger_kind: None,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        }
    }

    fn actions(snapshot: &Snapshot, params: &CodeActionParams) -> Vec<CodeAction> {
        let result = lint(snapshot, &engine());
        code_actions(snapshot, &result, params, &engine())
            .into_iter()
            .map(|action| match action {
                CodeActionOrCommand::CodeAction(action) => action,
                CodeActionOrCommand::Command(command) => panic!("{command:?}"),
            })
            .collect()
    }

    /// The text after applying `action`'s edit.
    fn applied(snapshot: &Snapshot, action: &CodeAction) -> String {
        let edit = action.edit.as_ref().unwrap();
        let Some(lsp_types::DocumentChanges::Edits(changes)) = &edit.document_changes else {
            panic!("{edit:?}");
        };
        let edits: Vec<TextEdit> = changes[0]
            .edits
            .iter()
            .map(|edit| match edit {
                lsp_types::OneOf::Left(edit) => edit.clone(),
                lsp_types::OneOf::Right(annotated) => annotated.text_edit.clone(),
            })
            .collect();
        apply(&snapshot.text, &edits, snapshot.client.encoding)
    }

    fn codes(snapshot: &Snapshot, text: &str) -> Vec<&'static str> {
        let mut after = snapshot.clone();
        after.text = text.into();
        after.index = std::sync::Arc::new(crate::positions::LineIndex::new(text));
        lint(&after, &engine())
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.rule.code())
            .collect()
    }

    const SOURCE_TEXT: &str = "import requests\n\nx = '😀'; requests.get(u, timeout=5)\n";

    #[test]
    fn a_quick_fix_and_a_noqa_action_for_a_fixable_diagnostic() {
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let snapshot = snapshot(SOURCE_TEXT, encoding);
            assert_eq!(codes(&snapshot, SOURCE_TEXT), ["WL201"]);
            let actions = actions(&snapshot, &params(&snapshot, 2, None));
            let titles: Vec<&str> = actions.iter().map(|action| action.title.as_str()).collect();
            assert_eq!(titles.len(), 3, "{titles:?}");
            assert!(titles[0].starts_with("WL201: "), "{titles:?}");
            assert_eq!(titles[1], "Disable WL201 for this line");
            assert_eq!(actions[2].kind.as_ref().unwrap().as_str(), FIX_ALL_KIND);

            let fixed = applied(&snapshot, &actions[0]);
            assert!(fixed.contains("timeout=(5, 5))"), "{fixed}");
            assert!(codes(&snapshot, &fixed).is_empty(), "{fixed}");
            let silenced = applied(&snapshot, &actions[1]);
            assert!(
                silenced.contains("timeout=5)  # noqa: WL201\n"),
                "{silenced}"
            );
            assert!(codes(&snapshot, &silenced).is_empty(), "{silenced}");
            assert_eq!(applied(&snapshot, &actions[2]), fixed);
        }
    }

    #[test]
    fn only_the_requested_kinds_are_offered() {
        let snapshot = snapshot(SOURCE_TEXT, PositionEncoding::Utf16);
        let quick = actions(
            &snapshot,
            &params(&snapshot, 2, Some(vec![CodeActionKind::QUICKFIX])),
        );
        assert_eq!(quick.len(), 2);
        let source = actions(
            &snapshot,
            &params(&snapshot, 0, Some(vec![CodeActionKind::SOURCE])),
        );
        assert_eq!(source.len(), 1);
        assert_eq!(source[0].kind.as_ref().unwrap().as_str(), FIX_ALL_KIND);
        let fix_all = actions(
            &snapshot,
            &params(&snapshot, 0, Some(vec![CodeActionKind::SOURCE_FIX_ALL])),
        );
        assert_eq!(fix_all.len(), 1);
        let refactor = actions(
            &snapshot,
            &params(&snapshot, 2, Some(vec![CodeActionKind::REFACTOR])),
        );
        assert!(refactor.is_empty());
        // Line 0 has no diagnostic: no quick fix there.
        assert!(
            actions(
                &snapshot,
                &params(&snapshot, 0, Some(vec![CodeActionKind::QUICKFIX]))
            )
            .is_empty()
        );
    }

    #[test]
    fn unsafe_fixes_are_offered_only_when_enabled_and_labelled() {
        let text = "import json\nfrom pydantic import BaseModel\n\n\nclass User(BaseModel):\n    name: str\n\n\ndef parse(text):\n    return User.model_validate(json.loads(text))\n";
        let mut snapshot = snapshot(text, PositionEncoding::Utf16);
        assert_eq!(codes(&snapshot, text), ["WL901"]);
        let titles = |snapshot: &Snapshot| -> Vec<String> {
            actions(snapshot, &params(snapshot, 9, None))
                .into_iter()
                .map(|action| action.title)
                .collect()
        };
        assert_eq!(titles(&snapshot), ["Disable WL901 for this line"]);

        let root = std::path::Path::new("/nonexistent-wirelint-test-root");
        let settings = crate::settings::ClientSettings {
            unsafe_fixes: Some(true),
            ..Default::default()
        };
        snapshot.scope =
            std::sync::Arc::new(crate::scope::Scope::new(root, settings.resolve(root)));
        let titles = titles(&snapshot);
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(
            titles[0].starts_with("WL901: ") && titles[0].contains("(unsafe fix"),
            "{titles:?}"
        );
        // Fix-all applies safe fixes only: there is none here.
        assert!(!titles.iter().any(|title| title.contains("fix all")));
    }

    #[test]
    fn the_noqa_action_extends_an_existing_directive() {
        let text = "import requests\nrequests.get(u)  # noqa: E501  -- long\n";
        let snapshot = snapshot(text, PositionEncoding::Utf16);
        let actions = actions(
            &snapshot,
            &params(&snapshot, 1, Some(vec![CodeActionKind::QUICKFIX])),
        );
        let noqa = actions
            .iter()
            .find(|action| action.title == "Disable WL203 for this line")
            .unwrap();
        assert_eq!(
            applied(&snapshot, noqa),
            "import requests\nrequests.get(u)  # noqa: E501, WL203  -- long\n"
        );
    }

    #[test]
    fn context_diagnostics_are_found_by_their_data_and_stale_ones_are_not() {
        let snapshot = snapshot(SOURCE_TEXT, PositionEncoding::Utf16);
        let result = lint(&snapshot, &engine());
        let mut request = params(&snapshot, 0, Some(vec![CodeActionKind::QUICKFIX]));
        let lsp: Vec<lsp_types::Diagnostic> = serde_json::from_str(&result.lsp_json).unwrap();
        request.context.diagnostics = lsp.clone();
        let found = code_actions(&snapshot, &result, &request, &engine());
        assert_eq!(found.len(), 2);

        let mut stale = lsp;
        stale[0].data = Some(serde_json::json!({"version": 2, "start": 0, "end": 1}));
        request.context.diagnostics = stale;
        assert!(code_actions(&snapshot, &result, &request, &engine()).is_empty());
    }

    #[test]
    fn syntax_errors_and_unused_directives_cannot_be_disabled() {
        let text = "def broken(:\n    pass\nx = 1  # noqa: WL201\n";
        let snapshot = snapshot(text, PositionEncoding::Utf16);
        assert!(codes(&snapshot, text).contains(&"WL001"));
        for line in 0..3 {
            let actions = actions(&snapshot, &params(&snapshot, line, None));
            assert!(
                actions
                    .iter()
                    .all(|action| !action.title.starts_with("Disable")),
                "{actions:?}"
            );
        }
    }
}
