//! Rendering a check's result: one module per output format, plus the
//! closing summary line, `--statistics` and `--diff`. Renderers write to
//! any `io::Write`, so tests render into a buffer and the CLI into a
//! buffered stdout.

mod concise;
mod diff;
mod full;
mod github;
mod gitlab;
mod grouped;
mod json;
mod json_lines;
mod junit;
mod pylint;
mod sarif;
mod statistics;
mod style;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use anstyle::Style;
use wirelint_linter::{Applicability, Diagnostic, Rule};
use wirelint_workspace::{CheckResult, escape_control, path_text};

use crate::args::OutputFormat;
use style::Painted;

/// Prints a [`CheckResult`] in one format.
pub(crate) struct Printer {
    format: OutputFormat,
    /// Leave out the summary line.
    quiet: bool,
    /// Print counts per rule instead of the diagnostics.
    statistics: bool,
    /// Count unsafe fixes as fixable (`--unsafe-fixes`).
    unsafe_fixes: bool,
    /// Colour the text formats with ANSI escapes.
    colour: bool,
    /// Paths under this directory print relative to it.
    current_dir: Option<PathBuf>,
    /// Follow the summary with the next steps (`--fix`, `wirelint rule`).
    next_steps: bool,
}

impl Printer {
    /// A printer for `format`; colour is on when stdout is a terminal,
    /// subject to `NO_COLOR` and `FORCE_COLOR`.
    pub(crate) fn new(format: OutputFormat, quiet: bool) -> Self {
        Self {
            format,
            quiet,
            statistics: false,
            unsafe_fixes: false,
            colour: style::colour_from_environment(),
            current_dir: std::env::current_dir().ok(),
            next_steps: true,
        }
    }

    /// Print counts per rule (`--statistics`) instead of the diagnostics.
    pub(crate) fn with_statistics(self, statistics: bool) -> Self {
        Self { statistics, ..self }
    }

    /// Mark unsafe fixes as fixable too (`--unsafe-fixes`).
    pub(crate) fn with_unsafe_fixes(self, unsafe_fixes: bool) -> Self {
        Self {
            unsafe_fixes,
            ..self
        }
    }

    /// Writes the diagnostics (or the statistics), then, for the formats
    /// people read, the summary line.
    pub(crate) fn write(&self, out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        if self.statistics {
            statistics::write(out, result, self)?;
        } else {
            match self.format {
                OutputFormat::Concise => concise::write(out, result, self)?,
                OutputFormat::Full => full::write(out, result, self)?,
                OutputFormat::Json => json::write(out, result)?,
                OutputFormat::JsonLines => json_lines::write(out, result)?,
                OutputFormat::Github => github::write(out, result, self)?,
                OutputFormat::Gitlab => gitlab::write(out, result, self)?,
                OutputFormat::Sarif => sarif::write(out, result, self)?,
                OutputFormat::Junit => junit::write(out, result, self)?,
                OutputFormat::Pylint => pylint::write(out, result, self)?,
                OutputFormat::Grouped => grouped::write(out, result, self)?,
            }
        }
        if let Some(summary) = self.summary(result).filter(|_| self.wants_summary()) {
            writeln!(out, "{summary}")?;
            if self.next_steps {
                for step in self.next_steps(result) {
                    writeln!(out, "{step}")?;
                }
            }
        }
        Ok(())
    }

    /// Whether the output is meant for people, who get a summary line;
    /// machine formats must stay parseable.
    fn wants_summary(&self) -> bool {
        let for_people = if self.statistics {
            !matches!(self.format, OutputFormat::Json | OutputFormat::JsonLines)
        } else {
            matches!(
                self.format,
                OutputFormat::Concise | OutputFormat::Full | OutputFormat::Grouped
            )
        };
        for_people && !self.quiet
    }

    /// The closing line: `All checks passed!`, `Found 3 errors (1 fixable,
    /// marked [*]).`, `Found 5 errors (3 fixed, 2 remaining).`, or nothing
    /// when nothing was found or fixed but errors were reported. Fixes the
    /// run leaves out for being unsafe are counted as hidden.
    fn summary(&self, result: &CheckResult) -> Option<String> {
        let remaining = result.diagnostic_count();
        let fixed = result.fixes_applied();
        if remaining == 0 && fixed == 0 {
            return result
                .errors
                .is_empty()
                .then(|| "All checks passed!".to_string());
        }
        let diagnostics = || result.files.iter().flat_map(|file| &file.diagnostics);
        let fixable = diagnostics().filter(|d| self.is_fixable(d)).count();
        let hidden = diagnostics()
            .filter(|d| !self.is_fixable(d) && d.fix.is_some())
            .count();
        let mut notes = Vec::new();
        if fixed > 0 {
            notes.push(format!("{fixed} fixed, {remaining} remaining"));
        }
        if fixable > 0 {
            notes.push(format!("{fixable} fixable, marked [*]"));
        }
        if hidden > 0 {
            let fixes = if hidden == 1 { "fix" } else { "fixes" };
            notes.push(format!(
                "{hidden} hidden {fixes} can be enabled with --unsafe-fixes"
            ));
        }
        let found = fixed + remaining;
        let plural = if found == 1 { "" } else { "s" };
        Some(if notes.is_empty() {
            format!("Found {found} error{plural}.")
        } else {
            format!("Found {found} error{plural} ({}).", notes.join("; "))
        })
    }

    /// The lines under the summary that teach the next step: how to apply
    /// the fixes found, and how to read about the most reported rule.
    fn next_steps(&self, result: &CheckResult) -> Vec<String> {
        let diagnostics = || result.files.iter().flat_map(|file| &file.diagnostics);
        let fixable = diagnostics().filter(|d| self.is_fixable(d)).count();
        let unsafe_only = diagnostics()
            .filter(|d| !self.is_fixable(d) && d.fix.is_some())
            .count();
        let fixes = |count: usize| if count == 1 { "fix" } else { "fixes" };
        let mut steps = Vec::new();
        match (fixable, unsafe_only) {
            (0, 0) => {}
            (fixable, 0) => steps.push(format!(
                "Run with `--fix` to apply the {fixable} {} marked [*].",
                fixes(fixable)
            )),
            (0, unsafe_only) => steps.push(format!(
                "Run with `--fix --unsafe-fixes` to apply the {unsafe_only} unsafe {} \
                 (review them: they may change behaviour).",
                fixes(unsafe_only)
            )),
            (fixable, unsafe_only) => steps.push(format!(
                "Run with `--fix` to apply the {fixable} {} marked [*] \
                 (add `--unsafe-fixes` for {unsafe_only} more, and review those).",
                fixes(fixable)
            )),
        }
        if let Some(rule) = most_reported_rule(diagnostics()) {
            steps.push(format!(
                "Run `wirelint rule {}` to read what a rule flags, why, and what to write instead.",
                rule.code()
            ));
        }
        steps
    }

    /// Whether the run would apply the fix of `diagnostic`: a safe fix, or
    /// an unsafe one with `--unsafe-fixes`.
    fn is_fixable(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic
            .fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == Applicability::Safe || self.unsafe_fixes)
    }

    /// `text` in `style` when colour is on, plain otherwise.
    fn paint<'a>(&self, style: Style, text: &'a str) -> Painted<'a> {
        Painted::new(if self.colour { style } else { Style::new() }, text)
    }

    /// `path` relative to the current directory when it lies below it,
    /// otherwise as found.
    fn relative_path<'a>(&self, path: &'a Path) -> &'a Path {
        self.current_dir
            .as_deref()
            .filter(|_| path.is_absolute())
            .and_then(|current_dir| path.strip_prefix(current_dir).ok())
            .filter(|relative| !relative.as_os_str().is_empty())
            .unwrap_or(path)
    }

    /// A path as people want to read it: relative to the current directory
    /// when it lies below it, otherwise as found; control characters and
    /// bytes that are not UTF-8 escaped (see [`wirelint_workspace::display_path`]).
    fn display_path(&self, path: &Path) -> String {
        wirelint_workspace::display_path(self.relative_path(path)).into_owned()
    }

    /// A path for machine formats that expect a repository-relative path:
    /// relative to the current directory when below it, `/`-separated,
    /// without `./` segments; bytes that are not UTF-8 as `\xNN` (see
    /// [`path_text`]).
    fn slash_path(&self, path: &Path) -> String {
        let path = self.relative_path(path);
        if path.is_absolute() {
            return forward_slashes(path_text(path).into_owned());
        }
        let segments: Vec<_> = path
            .components()
            .filter(|component| *component != Component::CurDir)
            .map(|component| path_text(Path::new(component.as_os_str())).into_owned())
            .collect();
        segments.join("/")
    }
}

/// The rule reported most often (the lowest code on a tie), if any.
fn most_reported_rule<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) -> Option<Rule> {
    let mut counts: BTreeMap<Rule, usize> = BTreeMap::new();
    for diagnostic in diagnostics {
        *counts.entry(diagnostic.rule).or_default() += 1;
    }
    let mut most: Option<(Rule, usize)> = None;
    for (rule, count) in counts {
        if most.is_none_or(|(_, highest)| count > highest) {
            most = Some((rule, count));
        }
    }
    most.map(|(rule, _)| rule)
}

/// `path` with Windows separators turned into `/`; elsewhere a backslash
/// is an ordinary file name character and stays.
fn forward_slashes(path: String) -> String {
    if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/")
    } else {
        path
    }
}

/// `path:row:column: CODE [*] message`, the line both text formats start with.
fn write_header(
    out: &mut dyn Write,
    printer: &Printer,
    display_path: &str,
    diagnostic: &Diagnostic,
) -> io::Result<()> {
    write!(
        out,
        "{}:{}:{}: {}",
        printer.paint(style::PATH, display_path),
        diagnostic.location.row,
        diagnostic.location.column,
        printer.paint(style::CODE, diagnostic.rule.code()),
    )?;
    if printer.is_fixable(diagnostic) {
        write!(out, " {}", printer.paint(style::FIX_MARKER, "[*]"))?;
    }
    writeln!(out, " {}", escape_control(&diagnostic.message))
}

/// Splits source text into lines at `\n`, `\r\n` and `\r`, as Python does.
fn split_lines(source: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = source.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\n' => {
                lines.push(&source[start..index]);
                start = index + 1;
            }
            b'\r' => {
                lines.push(&source[start..index]);
                if bytes.get(index + 1) == Some(&b'\n') {
                    index += 1;
                }
                start = index + 1;
            }
            _ => {}
        }
        index += 1;
    }
    lines.push(&source[start..]);
    lines
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

    pub(crate) const SOURCE: &str = "import httpx\nr = httpx.get(url, timeout=5)\n";

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    /// WL201 on `timeout=5` (row 2, columns 20..29), with a safe fix.
    pub(crate) fn scalar_timeout() -> Diagnostic {
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
    pub(crate) fn missing_timeout() -> Diagnostic {
        Diagnostic {
            rule: Rule::MissingTimeout,
            message: "Call without a timeout".to_string(),
            range: range(17, 42),
            location: Location { row: 2, column: 5 },
            end_location: Location { row: 2, column: 30 },
            fix: None,
        }
    }

    pub(crate) fn result(diagnostics: Vec<Diagnostic>) -> CheckResult {
        CheckResult {
            files: vec![FileReport {
                path: PathBuf::from("pkg/app.py"),
                diagnostics,
                source: Some(Arc::from(SOURCE)),
            }],
            errors: Vec::new(),
            files_checked: 1,
            fixed: Vec::new(),
        }
    }

    /// A printer without colour whose paths print as given. It leaves out
    /// the next steps under the summary, which have tests of their own, so
    /// that each format's tests pin that format's output.
    pub(crate) fn printer(format: OutputFormat) -> Printer {
        Printer {
            format,
            quiet: false,
            statistics: false,
            unsafe_fixes: false,
            colour: false,
            current_dir: None,
            next_steps: false,
        }
    }

    pub(crate) fn render_with(printer: &Printer, result: &CheckResult) -> String {
        let mut out = Vec::new();
        printer.write(&mut out, result).unwrap();
        String::from_utf8(out).unwrap()
    }

    pub(crate) fn render(format: OutputFormat, result: &CheckResult) -> String {
        render_with(&printer(format), result)
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use wirelint_workspace::{FixStatus, FixedFile, RunError};

    fn summary(result: &CheckResult) -> Option<String> {
        printer(OutputFormat::Concise).summary(result)
    }

    fn unsafe_scalar_timeout() -> Diagnostic {
        let mut diagnostic = scalar_timeout();
        diagnostic.fix.as_mut().unwrap().applicability = Applicability::Unsafe;
        diagnostic
    }

    fn fixed(applied: usize, status: FixStatus) -> FixedFile {
        FixedFile {
            path: PathBuf::from("pkg/app.py"),
            applied,
            status,
        }
    }

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
    fn unsafe_fixes_are_hidden_unless_enabled() {
        let findings = result(vec![
            unsafe_scalar_timeout(),
            unsafe_scalar_timeout(),
            scalar_timeout(),
        ]);
        assert_eq!(
            summary(&findings).as_deref(),
            Some(
                "Found 3 errors (1 fixable, marked [*]; \
                 2 hidden fixes can be enabled with --unsafe-fixes)."
            )
        );
        let only_unsafe = result(vec![unsafe_scalar_timeout(), missing_timeout()]);
        assert_eq!(
            summary(&only_unsafe).as_deref(),
            Some("Found 2 errors (1 hidden fix can be enabled with --unsafe-fixes).")
        );
        let enabled = printer(OutputFormat::Concise).with_unsafe_fixes(true);
        assert_eq!(
            enabled.summary(&findings).as_deref(),
            Some("Found 3 errors (3 fixable, marked [*]).")
        );
        let quiet = || Printer {
            quiet: true,
            ..printer(OutputFormat::Concise)
        };
        let hidden = render_with(&quiet(), &only_unsafe);
        assert!(hidden.contains("WL201 Scalar"), "{hidden}");
        let shown = render_with(&quiet().with_unsafe_fixes(true), &only_unsafe);
        assert!(shown.contains("WL201 [*] Scalar"), "{shown}");
    }

    #[test]
    fn after_fixing_the_summary_counts_fixed_and_remaining() {
        let mut partly = result(vec![missing_timeout(), missing_timeout()]);
        partly.fixed = vec![fixed(3, FixStatus::Written)];
        assert_eq!(
            summary(&partly).as_deref(),
            Some("Found 5 errors (3 fixed, 2 remaining).")
        );
        let all = CheckResult {
            fixed: vec![fixed(1, FixStatus::Written), fixed(2, FixStatus::Written)],
            ..CheckResult::default()
        };
        assert_eq!(
            summary(&all).as_deref(),
            Some("Found 3 errors (3 fixed, 0 remaining).")
        );
        let mut with_hidden = result(vec![unsafe_scalar_timeout()]);
        with_hidden.fixed = vec![fixed(1, FixStatus::Written)];
        assert_eq!(
            summary(&with_hidden).as_deref(),
            Some(
                "Found 2 errors (1 fixed, 1 remaining; \
                 1 hidden fix can be enabled with --unsafe-fixes)."
            )
        );
        // A file left alone counts with what it still has.
        let mut failed = result(vec![scalar_timeout()]);
        failed.fixed = vec![fixed(1, FixStatus::Failed("changed".to_string()))];
        assert_eq!(
            summary(&failed).as_deref(),
            Some("Found 1 error (1 fixable, marked [*]).")
        );
    }

    fn next_steps(printer: &Printer, result: &CheckResult) -> Vec<String> {
        printer.next_steps(result)
    }

    const RULE_STEP_WL201: &str =
        "Run `wirelint rule WL201` to read what a rule flags, why, and what to write instead.";

    #[test]
    fn the_next_steps_name_fix_and_the_most_reported_rule() {
        let concise = printer(OutputFormat::Concise);
        let findings = result(vec![scalar_timeout(), scalar_timeout(), missing_timeout()]);
        assert_eq!(
            next_steps(&concise, &findings),
            [
                "Run with `--fix` to apply the 2 fixes marked [*].",
                RULE_STEP_WL201,
            ]
        );
        // Nothing to fix: only the rule; a tie goes to the lower code.
        let unfixable = result(vec![missing_timeout()]);
        assert_eq!(
            next_steps(&concise, &unfixable),
            [
                "Run `wirelint rule WL203` to read what a rule flags, why, and what to write instead."
            ]
        );
        let tie = result(vec![missing_timeout(), scalar_timeout()]);
        assert_eq!(next_steps(&concise, &tie)[1], RULE_STEP_WL201);
        // Nothing left: no next step.
        assert!(next_steps(&concise, &CheckResult::default()).is_empty());
        let all_fixed = CheckResult {
            fixed: vec![fixed(1, FixStatus::Written)],
            ..CheckResult::default()
        };
        assert!(next_steps(&concise, &all_fixed).is_empty());
    }

    #[test]
    fn the_next_steps_name_unsafe_fixes_only_when_they_apply() {
        let concise = printer(OutputFormat::Concise);
        let only_unsafe = result(vec![unsafe_scalar_timeout()]);
        assert_eq!(
            next_steps(&concise, &only_unsafe),
            [
                "Run with `--fix --unsafe-fixes` to apply the 1 unsafe fix \
                 (review them: they may change behaviour).",
                RULE_STEP_WL201,
            ]
        );
        let both = result(vec![
            scalar_timeout(),
            unsafe_scalar_timeout(),
            unsafe_scalar_timeout(),
        ]);
        assert_eq!(
            next_steps(&concise, &both)[0],
            "Run with `--fix` to apply the 1 fix marked [*] \
             (add `--unsafe-fixes` for 2 more, and review those)."
        );
        // With `--unsafe-fixes` given, every fix is marked and `--fix` applies them all.
        let enabled = printer(OutputFormat::Concise).with_unsafe_fixes(true);
        assert_eq!(
            next_steps(&enabled, &both)[0],
            "Run with `--fix` to apply the 3 fixes marked [*]."
        );
    }

    #[test]
    fn the_next_steps_follow_the_summary_and_go_with_it() {
        let teaching = |format| Printer {
            next_steps: true,
            ..printer(format)
        };
        let findings = result(vec![scalar_timeout()]);
        for format in [
            OutputFormat::Concise,
            OutputFormat::Full,
            OutputFormat::Grouped,
        ] {
            let output = render_with(&teaching(format), &findings);
            assert!(
                output.ends_with(&format!(
                    "Found 1 error (1 fixable, marked [*]).\n\
                     Run with `--fix` to apply the 1 fix marked [*].\n{RULE_STEP_WL201}\n"
                )),
                "{format:?}: {output}"
            );
        }
        let quiet = Printer {
            quiet: true,
            ..teaching(OutputFormat::Concise)
        };
        assert!(!render_with(&quiet, &findings).contains("Run "));
        let json = render_with(&teaching(OutputFormat::Json), &findings);
        assert!(!json.contains("Run "), "{json}");
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
            quiet: true,
            ..printer(OutputFormat::Concise)
        };
        let mut out = Vec::new();
        printer.write(&mut out, &CheckResult::default()).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn absolute_paths_below_the_current_directory_print_relative() {
        let root = std::env::temp_dir().join("project");
        let printer = Printer {
            current_dir: Some(root.clone()),
            ..printer(OutputFormat::Concise)
        };
        assert_eq!(printer.display_path(&root.join("a.py")), "a.py");
        assert_eq!(printer.display_path(Path::new("rel/b.py")), "rel/b.py");
        let outside = std::env::temp_dir().join("elsewhere.py");
        assert_eq!(
            printer.display_path(&outside),
            outside.display().to_string()
        );
    }

    #[test]
    fn only_the_formats_people_read_end_with_a_summary() {
        let findings = result(vec![missing_timeout()]);
        for format in [
            OutputFormat::Concise,
            OutputFormat::Full,
            OutputFormat::Grouped,
        ] {
            let output = render(format, &findings);
            assert!(output.ends_with("Found 1 error.\n"), "{format:?}: {output}");
        }
        for format in [
            OutputFormat::Json,
            OutputFormat::JsonLines,
            OutputFormat::Github,
            OutputFormat::Gitlab,
            OutputFormat::Sarif,
            OutputFormat::Junit,
            OutputFormat::Pylint,
        ] {
            let output = render(format, &findings);
            assert!(!output.contains("Found 1 error"), "{format:?}: {output}");
        }
    }

    #[test]
    fn colour_paints_the_header_of_the_text_formats() {
        let printer = Printer {
            colour: true,
            quiet: true,
            ..printer(OutputFormat::Concise)
        };
        let output = render_with(&printer, &result(vec![scalar_timeout()]));
        assert_eq!(
            output,
            "\x1b[1mpkg/app.py\x1b[0m:2:20: \x1b[1m\x1b[31mWL201\x1b[0m \x1b[36m[*]\x1b[0m \
             Scalar timeout `5`\n"
        );
    }

    #[test]
    fn machine_formats_never_get_colour() {
        let findings = result(vec![missing_timeout(), scalar_timeout()]);
        for format in [
            OutputFormat::Json,
            OutputFormat::JsonLines,
            OutputFormat::Github,
            OutputFormat::Gitlab,
            OutputFormat::Sarif,
            OutputFormat::Junit,
            OutputFormat::Pylint,
        ] {
            let printer = Printer {
                colour: true,
                ..printer(format)
            };
            let output = render_with(&printer, &findings);
            assert!(!output.contains('\x1b'), "{format:?}: {output}");
        }
    }

    /// A result whose file name and message carry line breaks, terminal
    /// escapes and (on Unix) a byte that is not UTF-8.
    fn hostile() -> CheckResult {
        let mut hostile = result(vec![missing_timeout()]);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            hostile.files[0].path =
                std::ffi::OsStr::from_bytes(b"evil\nok.py:1:1: WL000 forged\x1b[2J\xff.py").into();
        }
        #[cfg(not(unix))]
        {
            hostile.files[0].path = "evil\nok.py:1:1: WL000 forged\x1b[2J.py".into();
        }
        hostile.files[0].diagnostics[0].message = "`get(\"\x1b]0;owned\x07\n\0\")`".to_string();
        hostile
    }

    #[test]
    fn hostile_names_and_messages_cannot_forge_lines_or_escape_in_text_formats() {
        for format in [
            OutputFormat::Concise,
            OutputFormat::Full,
            OutputFormat::Pylint,
            OutputFormat::Grouped,
            OutputFormat::Github,
        ] {
            let output = render(format, &hostile());
            assert!(!output.contains('\x1b'), "{format:?}: {output}");
            assert!(
                !output.contains('\0') && !output.contains('\x07'),
                "{format:?}"
            );
            assert!(
                !output.contains("\nok.py"),
                "{format:?}: a forged line: {output}"
            );
            assert!(output.contains("forged\\x1b[2J"), "{format:?}: {output}");
            #[cfg(unix)]
            assert!(output.contains("\\xff.py"), "{format:?}: {output}");
        }
        let concise = render(OutputFormat::Concise, &hostile());
        assert_eq!(concise.lines().count(), 2, "{concise}");
    }

    #[test]
    fn machine_formats_stay_valid_and_tell_names_apart() {
        for format in [
            OutputFormat::Json,
            OutputFormat::Sarif,
            OutputFormat::Gitlab,
        ] {
            let output = render(format, &hostile());
            let value: serde_json::Value = serde_json::from_str(&output).unwrap();
            let text = value.to_string();
            // SARIF's URIs percent-encode the backslash.
            #[cfg(unix)]
            assert!(
                text.contains("\\\\xff.py") || text.contains("%5Cxff.py"),
                "{format:?}"
            );
            assert!(!text.contains('\u{fffd}'), "{format:?}: lossy");
        }
        let lines = render(OutputFormat::JsonLines, &hostile());
        for line in lines.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
    }

    #[test]
    fn slash_paths_drop_dot_segments() {
        let root = std::env::temp_dir().join("project");
        let printer = Printer {
            current_dir: Some(root.clone()),
            ..printer(OutputFormat::Sarif)
        };
        assert_eq!(
            printer.slash_path(&root.join("pkg").join("a.py")),
            "pkg/a.py"
        );
        assert_eq!(printer.slash_path(Path::new("./pkg/./b.py")), "pkg/b.py");
        assert_eq!(
            printer.slash_path(Path::new("../other/c.py")),
            "../other/c.py"
        );
    }
}
