//! Linting one document snapshot: the plan its scope decides, the engine's
//! diagnostics, and the same diagnostics as LSP diagnostics (ranges in the
//! agreed encoding, `code`, `source`, severity, and `data` that lets a code
//! action find the diagnostic's fix again).

use std::path::PathBuf;
use std::sync::Arc;

use lsp_types::{DiagnosticTag, NumberOrString, Uri};
use serde::{Deserialize, Serialize};
use wirelint_linter::{Diagnostic, LinterSettings, Rule, lint_source_in_package};

use crate::capabilities::ClientFeatures;
use crate::positions::LineIndex;
use crate::scope::{Plan, Scope};

/// The engine: source, package and settings in, diagnostics out. The
/// server takes it as a value so tests can give it one that misbehaves.
pub(crate) type LintFn =
    Arc<dyn Fn(&str, Option<&str>, &LinterSettings) -> Vec<Diagnostic> + Send + Sync>;

/// The real engine.
pub(crate) fn engine() -> LintFn {
    Arc::new(lint_source_in_package)
}

/// `source` of every diagnostic.
pub(crate) const SOURCE: &str = "wirelint";

/// One document as it was when a job was made: everything a linting
/// thread needs, shared rather than copied.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    /// Changes whenever the text or the settings do.
    pub revision: u64,
    pub text: Arc<str>,
    pub index: Arc<LineIndex>,
    pub scope: Arc<Scope>,
    /// The file a `file:` URI names.
    pub file: Option<PathBuf>,
    pub client: Arc<ClientFeatures>,
}

/// What linting a snapshot produced.
#[derive(Debug)]
pub(crate) struct LintResult {
    pub revision: u64,
    pub plan: Plan,
    /// The engine's diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The same as LSP diagnostics: a JSON array, serialized once here
    /// rather than on the message loop for each message that carries it.
    pub lsp_json: String,
}

impl LintResult {
    /// A result without diagnostics, for a revision whose linting failed.
    pub(crate) fn empty(revision: u64, reason: &'static str) -> Self {
        LintResult {
            revision,
            plan: Plan::Skip(reason),
            diagnostics: Vec::new(),
            lsp_json: "[]".to_string(),
        }
    }
}

/// What `data` of each diagnostic holds: the document version it was
/// computed for and its byte range, which identify it (with its code)
/// among the diagnostics of that version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DiagnosticData {
    pub version: i32,
    pub start: u32,
    pub end: u32,
}

impl DiagnosticData {
    /// Whether `diagnostic` is the one this data describes.
    pub(crate) fn identifies(&self, diagnostic: &Diagnostic) -> bool {
        self.start == diagnostic.range.start().to_u32()
            && self.end == diagnostic.range.end().to_u32()
    }
}

/// Lints `snapshot` with `lint`.
pub(crate) fn lint(snapshot: &Snapshot, lint: &LintFn) -> LintResult {
    let plan = snapshot.scope.plan(snapshot.file.as_deref());
    let diagnostics = match &plan {
        Plan::Lint { settings, package } => lint(&snapshot.text, package.as_deref(), settings),
        Plan::Skip(_) | Plan::ConfigError(_) => Vec::new(),
    };
    let lsp: Vec<lsp_types::Diagnostic> = diagnostics
        .iter()
        .map(|diagnostic| to_lsp(snapshot, diagnostic))
        .collect();
    LintResult {
        revision: snapshot.revision,
        plan,
        diagnostics,
        lsp_json: serde_json::to_string(&lsp).unwrap_or_else(|_| "[]".to_string()),
    }
}

/// One engine diagnostic as the client sees it.
pub(crate) fn to_lsp(snapshot: &Snapshot, diagnostic: &Diagnostic) -> lsp_types::Diagnostic {
    let data = DiagnosticData {
        version: snapshot.version,
        start: diagnostic.range.start().to_u32(),
        end: diagnostic.range.end().to_u32(),
    };
    lsp_types::Diagnostic {
        range: snapshot
            .index
            .range(&snapshot.text, diagnostic.range, snapshot.client.encoding),
        severity: Some(snapshot.scope.settings.severity.lsp()),
        code: Some(NumberOrString::String(diagnostic.rule.code().to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message: diagnostic.message.clone(),
        related_information: None,
        tags: (diagnostic.rule == Rule::UnusedNoqa).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: serde_json::to_value(data).ok(),
    }
}
