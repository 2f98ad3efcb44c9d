//! wirelint_linter: the engine. Python source text in, policy diagnostics out.
//!
//! It parses one file with the ruff parser (recovering from syntax errors),
//! walks the tree once while building a small semantic model (imports, scopes,
//! which values are network clients, where we are), and lets every enabled
//! rule look at each node as the walk passes it. It touches no file system
//! and starts no threads: callers (CLI, Python bindings, LSP) do that.

pub(crate) mod checker;
mod diagnostic;
mod fix;
mod import_insertion;
mod noqa;
mod registry;
pub(crate) mod rules;
pub(crate) mod semantic;
mod settings;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod readme_table;
#[cfg(test)]
mod rule_pages;

pub use checker::MAX_SOURCE_BYTES;
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
pub use fix::{FixedSource, apply_fixes};
pub use noqa::{
    NoqaAddition, NoqaCode, SkipReason, SkippedLine, UnsafeNoqaEdit, add_noqa, code_at,
    is_suppressible,
};
pub use registry::{Family, FixAvailability, Marker, Rule, RuleInfo, Status};
pub use settings::{
    LinterSettings, RuleSelection, RuleSelector, RuleSet, UnknownSelector, closest_code,
    edit_distance,
};

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

/// Lints a file's raw bytes, like [`lint_source_in_package`]: decodes UTF-8
/// (a leading BOM is allowed) and reports WL002 when the bytes are not valid
/// UTF-8.
pub fn lint_bytes_in_package(
    bytes: &[u8],
    package: Option<&str>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(source) => lint_source_in_package(source, package, settings),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics
            .iter()
            .map(|diagnostic| diagnostic.rule.code())
            .collect()
    }

    #[test]
    fn empty_file_is_clean() {
        assert!(lint_source("", &LinterSettings::default()).is_empty());
        assert!(lint_bytes_in_package(b"", None, &LinterSettings::default()).is_empty());
    }

    #[test]
    fn invalid_utf8_is_wl002_naming_the_offset() {
        let diagnostics = lint_bytes_in_package(
            b"import requests\n\xff\xfe = 1\n",
            None,
            &LinterSettings::default(),
        );
        assert_eq!(codes(&diagnostics), ["WL002"]);
        assert!(
            diagnostics[0].message.contains("offset 16"),
            "{}",
            diagnostics[0].message
        );
    }

    #[test]
    fn binary_content_does_not_crash() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert_eq!(
            codes(&lint_bytes_in_package(
                &bytes,
                None,
                &LinterSettings::default()
            )),
            ["WL002"]
        );
        // Valid UTF-8 that is not Python (NUL bytes and control characters).
        let diagnostics = lint_bytes_in_package(
            b"\x00\x01\x02 requests.get(x)\x00",
            None,
            &LinterSettings::default(),
        );
        assert!(codes(&diagnostics).contains(&"WL001"));
    }

    #[test]
    fn byte_order_mark_does_not_shift_columns() {
        let diagnostics = lint_source(
            "\u{feff}import requests\nrequests.get(u)\n",
            &LinterSettings::default(),
        );
        assert_eq!(codes(&diagnostics), ["WL203"]);
        assert_eq!(diagnostics[0].location, Location { row: 2, column: 1 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let source = "import requests\nnamé = 'é'; requests.get(u)\n";
        let diagnostics = lint_source(source, &LinterSettings::default());
        assert_eq!(diagnostics[0].location, Location { row: 2, column: 13 });
        assert_eq!(diagnostics[0].end_location, Location { row: 2, column: 28 });
    }

    #[test]
    fn deeply_nested_expression_does_not_overflow_the_stack() {
        // Run on a thread with an ordinary 2 MiB stack, like a test or
        // worker thread: the engine must cope on its own.
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let depth = 50_000;
                let source = format!(
                    "import requests\nx = {}1{}\nrequests.get(u)\n",
                    "(".repeat(depth),
                    ")".repeat(depth)
                );
                lint_source(&source, &LinterSettings::default())
            })
            .unwrap();
        let diagnostics = handle.join().expect("linting a deep expression panicked");
        assert!(codes(&diagnostics).contains(&"WL203"), "{diagnostics:?}");
    }

    #[test]
    fn deeply_nested_calls_and_lists_do_not_overflow_the_stack() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let depth = 50_000;
                let calls = format!("import httpx\ny = x{}\n", "()".repeat(depth));
                let attributes = format!("import httpx\ny = x{}\n", ".a".repeat(depth));
                let sums = format!("import httpx\ny = x{}\n", " + x".repeat(depth));
                let negations = format!("y = {}x\n", "not ".repeat(depth));
                let lists = format!("y = {}{}\n", "[".repeat(depth), "]".repeat(depth));
                let blocks: String = (0..5000)
                    .map(|level| format!("{}if x:\n", " ".repeat(level)))
                    .collect();
                for source in [calls, lists, blocks, attributes, sums, negations] {
                    lint_source(&source, &LinterSettings::default());
                }
            })
            .unwrap();
        handle.join().expect("linting deep nesting panicked");
    }

    #[test]
    fn syntax_errors_do_not_hide_other_findings() {
        let source = "import requests\nrequests.get(u)\ndef broken(:\n    pass\n";
        let diagnostics = lint_source(source, &LinterSettings::default());
        let found = codes(&diagnostics);
        assert!(
            found.contains(&"WL001") && found.contains(&"WL203"),
            "{found:?}"
        );
    }

    #[test]
    fn deselected_rules_stay_silent() {
        let selection = RuleSelection {
            ignore: vec!["WL203".parse().unwrap()],
            ..Default::default()
        };
        let settings = LinterSettings {
            rules: selection.resolve(),
            ..Default::default()
        };
        assert!(lint_source("import requests\nrequests.get(u)\n", &settings).is_empty());
    }
}
