//! wirelint_linter: the engine. Python source text in, policy diagnostics out.
//!
//! It parses one file with the ruff parser (recovering from syntax errors),
//! walks the tree once while building a small semantic model (imports, scopes,
//! which values are network clients, where we are), and lets every enabled
//! rule look at each node as the walk passes it. It touches no file system
//! and starts no threads: callers (CLI, Python bindings, LSP) do that.

pub mod checker;
pub mod diagnostic;
pub mod fix;
pub mod registry;
pub mod rules;
pub mod semantic;
pub mod settings;

#[cfg(test)]
mod fixture_tests;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Location, Locator};
pub use registry::{Family, RULES, Rule, RuleInfo, Status};
pub use settings::{LinterSettings, RuleSelection, RuleSelector, RuleSet, UnknownSelector};

use ruff_text_size::{TextRange, TextSize};

/// Lints one file's source text.
///
/// Diagnostics come back sorted by position. A syntax error is reported as
/// WL001 and the rest of the file is still checked where the tree allows.
pub fn lint_source(source: &str, settings: &LinterSettings) -> Vec<Diagnostic> {
    lint_source_in_package(source, None, settings)
}

/// Like [`lint_source`], for a file of a known package (`acme.http`; for an
/// `__init__.py`, its own package), so relative imports resolve.
pub fn lint_source_in_package(
    source: &str,
    package: Option<&str>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    let info = checker::SourceInfo { package };
    let mut diagnostics = checker::check_source(source, info, settings);
    diagnostics.sort_by(|a, b| {
        (a.location, a.end_location, a.rule).cmp(&(b.location, b.end_location, b.rule))
    });
    diagnostics
}

/// Lints a file's raw bytes: decodes UTF-8 (a leading BOM is allowed) and
/// reports WL002 when the bytes are not valid UTF-8.
pub fn lint_bytes(bytes: &[u8], settings: &LinterSettings) -> Vec<Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(source) => lint_source(source, settings),
        Err(error) => {
            let message = format!(
                "File is not valid UTF-8: invalid byte at offset {}",
                error.valid_up_to()
            );
            vec![unreadable_file(message)]
        }
    }
}

/// A WL002 diagnostic for a file that could not be read or decoded.
pub fn unreadable_file(message: String) -> Diagnostic {
    let start = Location { row: 1, column: 1 };
    Diagnostic {
        rule: Rule::UnreadableFile,
        message,
        range: TextRange::empty(TextSize::new(0)),
        location: start,
        end_location: start,
        fix: None,
    }
}
