//! Rendering a check's result: one module per output format, plus the
//! closing summary line. Renderers write to any `io::Write`, so tests
//! render into a buffer and the CLI into a buffered stdout.

mod concise;
mod full;
mod json;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use wirelint_linter::{Applicability, Diagnostic};
use wirelint_workspace::CheckResult;

use crate::args::OutputFormat;

/// Prints a [`CheckResult`] in one format.
pub struct Printer {
    format: OutputFormat,
    /// Leave out the summary line.
    quiet: bool,
    /// Paths under this directory print relative to it.
    current_dir: Option<PathBuf>,
}

impl Printer {
    pub fn new(format: OutputFormat, quiet: bool) -> Self {
        Self {
            format,
            quiet,
            current_dir: std::env::current_dir().ok(),
        }
    }

    /// Writes every diagnostic, then (except for JSON) the summary line.
    pub fn write(&self, out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        match self.format {
            OutputFormat::Concise => concise::write(out, result, self)?,
            OutputFormat::Full => full::write(out, result, self)?,
            OutputFormat::Json => json::write(out, result)?,
        }
        let wants_summary = !self.quiet && self.format != OutputFormat::Json;
        if let Some(summary) = summary(result).filter(|_| wants_summary) {
            writeln!(out, "{summary}")?;
        }
        Ok(())
    }

    /// A path as people want to read it: relative to the current directory
    /// when it lies below it, otherwise as found.
    fn display_path(&self, path: &Path) -> String {
        let relative = self
            .current_dir
            .as_deref()
            .filter(|_| path.is_absolute())
            .and_then(|current_dir| path.strip_prefix(current_dir).ok())
            .filter(|relative| !relative.as_os_str().is_empty());
        relative.unwrap_or(path).display().to_string()
    }
}

/// Whether a diagnostic carries a fix that is safe to apply automatically.
fn has_safe_fix(diagnostic: &Diagnostic) -> bool {
    diagnostic
        .fix
        .as_ref()
        .is_some_and(|fix| fix.applicability == Applicability::Safe)
}

/// `path:row:column: CODE [*] message`, the line both text formats start with.
fn write_header(
    out: &mut dyn Write,
    display_path: &str,
    diagnostic: &Diagnostic,
) -> io::Result<()> {
    let marker = if has_safe_fix(diagnostic) { " [*]" } else { "" };
    writeln!(
        out,
        "{display_path}:{}:{}: {}{marker} {}",
        diagnostic.location.row,
        diagnostic.location.column,
        diagnostic.rule.code(),
        diagnostic.message
    )
}

/// The closing line: `All checks passed!`, `Found 3 errors (1 fixable).`,
/// or nothing when no diagnostic was found but errors were reported.
fn summary(result: &CheckResult) -> Option<String> {
    let found = result.diagnostic_count();
    if found == 0 {
        return result
            .errors
            .is_empty()
            .then(|| "All checks passed!".to_string());
    }
    let fixable = result
        .files
        .iter()
        .flat_map(|file| &file.diagnostics)
        .filter(|diagnostic| has_safe_fix(diagnostic))
        .count();
    let plural = if found == 1 { "" } else { "s" };
    Some(if fixable == 0 {
        format!("Found {found} error{plural}.")
    } else {
        format!("Found {found} error{plural} ({fixable} fixable, marked [*]).")
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Hand-built diagnostics and results for the renderer tests.

    use std::path::PathBuf;
    use std::sync::Arc;

    use ruff_text_size::{TextRange, TextSize};
    use wirelint_linter::{Applicability, Diagnostic, Edit, Fix, Location, Rule};
    use wirelint_workspace::{CheckResult, FileReport};

    use super::Printer;
    use crate::args::OutputFormat;

    pub const SOURCE: &str = "import httpx\nr = httpx.get(url, timeout=5)\n";

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    /// WL201 on `timeout=5` (row 2, columns 20..29), with a safe fix.
    pub fn scalar_timeout() -> Diagnostic {
        Diagnostic {
            rule: Rule::ScalarTimeout,
            message: "Scalar timeout `5`".to_string(),
            range: range(32, 41),
            location: Location { row: 2, column: 20 },
            end_location: Location { row: 2, column: 29 },
            fix: Some(Fix {
                applicability: Applicability::Safe,
                message: "Use `httpx.Timeout(5)`".to_string(),
                edits: vec![Edit {
                    range: range(40, 41),
                    content: "httpx.Timeout(5)".to_string(),
                    location: Location { row: 2, column: 28 },
                    end_location: Location { row: 2, column: 29 },
                }],
            }),
        }
    }

    /// WL203 on `httpx.get(...)` (row 2, columns 5..30), no fix.
    pub fn missing_timeout() -> Diagnostic {
        Diagnostic {
            rule: Rule::MissingTimeout,
            message: "Call without a timeout".to_string(),
            range: range(17, 42),
            location: Location { row: 2, column: 5 },
            end_location: Location { row: 2, column: 30 },
            fix: None,
        }
    }

    pub fn result(diagnostics: Vec<Diagnostic>) -> CheckResult {
        CheckResult {
            files: vec![FileReport {
                path: PathBuf::from("pkg/app.py"),
                diagnostics,
                source: Some(Arc::from(SOURCE)),
            }],
            errors: Vec::new(),
            files_checked: 1,
        }
    }

    pub fn render(format: OutputFormat, result: &CheckResult) -> String {
        let printer = Printer {
            format,
            quiet: false,
            current_dir: None,
        };
        let mut out = Vec::new();
        printer.write(&mut out, result).unwrap();
        String::from_utf8(out).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use wirelint_workspace::RunError;

    #[test]
    fn summary_counts_errors_and_safe_fixes() {
        assert_eq!(
            summary(&result(vec![scalar_timeout(), missing_timeout()])).as_deref(),
            Some("Found 2 errors (1 fixable, marked [*]).")
        );
        assert_eq!(
            summary(&result(vec![missing_timeout()])).as_deref(),
            Some("Found 1 error.")
        );
        assert_eq!(
            summary(&CheckResult::default()).as_deref(),
            Some("All checks passed!")
        );
    }

    #[test]
    fn no_all_clear_when_something_could_not_be_checked() {
        let result = CheckResult {
            errors: vec![RunError::MissingPath("gone.py".into())],
            ..CheckResult::default()
        };
        assert_eq!(summary(&result), None);
    }

    #[test]
    fn quiet_leaves_out_the_summary() {
        let printer = Printer {
            format: OutputFormat::Concise,
            quiet: true,
            current_dir: None,
        };
        let mut out = Vec::new();
        printer.write(&mut out, &CheckResult::default()).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn absolute_paths_below_the_current_directory_print_relative() {
        let root = std::env::temp_dir().join("project");
        let printer = Printer {
            format: OutputFormat::Concise,
            quiet: false,
            current_dir: Some(root.clone()),
        };
        assert_eq!(printer.display_path(&root.join("a.py")), "a.py");
        assert_eq!(printer.display_path(Path::new("rel/b.py")), "rel/b.py");
        let outside = std::env::temp_dir().join("elsewhere.py");
        assert_eq!(
            printer.display_path(&outside),
            outside.display().to_string()
        );
    }
}
