//! `wirelint check`: resolves the settings from configuration files and
//! flags, opens the cache, runs the check through the workspace crate
//! (fixing files with `--fix`, `--fix-only` or `--diff`; or shows settings
//! or files instead), prints the result and picks the exit code.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use wirelint_workspace::{Cache, CheckResult, FixStatus, Resolver, RunOptions};

use crate::args::CheckArgs;
use crate::config::{self, report_errors};
use crate::input::{Checked, Input};
use crate::printer::Printer;
use crate::{ExitStatus, output_failed};

/// What a run prints.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Report {
    /// The diagnostics (what remains after `--fix`) and a summary.
    Diagnostics,
    /// `--diff`: the changes the fixes would make.
    Diff,
    /// `--fix-only`: how many fixes were applied.
    FixCount,
}

impl Report {
    fn of(args: &CheckArgs) -> Report {
        if args.diff {
            Report::Diff
        } else if args.fix_only {
            Report::FixCount
        } else {
            Report::Diagnostics
        }
    }
}

pub(crate) fn check(
    args: &CheckArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitStatus {
    let Some(path) = &args.output_file else {
        return check_to(args, stdout, stderr);
    };
    let fixes_stdin = args.paths.iter().any(|path| path.as_os_str() == "-")
        && (args.fix || args.fix_only)
        && !args.diff;
    if fixes_stdin {
        let error = "`--output-file` cannot be used to fix standard input: the fixed source \
                     goes to standard output and the report to standard error";
        return report_errors(stderr, &[error]);
    }
    match create_report_file(path) {
        Ok(file) => check_to(args, &mut BufWriter::new(file), stderr),
        Err(error) => report_errors(
            stderr,
            &[format!(
                "cannot write the report to `{}`: {error}",
                wirelint_workspace::display_path(path)
            )],
        ),
    }
}

/// The file `--output-file` names, created (or emptied) with its directory.
fn create_report_file(path: &Path) -> std::io::Result<File> {
    if let Some(directory) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(directory)?;
    }
    File::create(path)
}

/// `check`, with the report written to `stdout`.
fn check_to(args: &CheckArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitStatus {
    let resolver = match config::resolver(args) {
        Ok(resolver) => resolver,
        Err(errors) => return report_errors(stderr, &errors),
    };
    let output_format = config::output_format(args, &resolver);
    if let Some(file) = &args.show_settings {
        let overrides = args.overrides();
        return crate::show::show_settings(
            file,
            &resolver,
            &overrides,
            output_format,
            stdout,
            stderr,
        );
    }
    let input = match Input::from_arguments(&args.paths, args.stdin_filename.as_deref()) {
        Ok(input) => input,
        Err(error) => return report_errors(stderr, &[error]),
    };
    if args.show_files {
        return crate::show::show_files(&input, &resolver, stdout, stderr);
    }
    if args.add_noqa && matches!(input, Input::Stdin { .. }) {
        let error = "`--add-noqa` edits files on disk; it cannot be used with `-` (standard input)";
        return report_errors(stderr, &[error]);
    }
    let cache = open_cache(args, &input, &resolver, stderr);
    let options = RunOptions {
        cache: cache.as_ref(),
        fix: args.fix_options(),
        keep_sources: args.add_noqa || output_format.shows_source(),
    };
    let Checked {
        result,
        stdin_source,
    } = match input.check(&resolver, options) {
        Ok(checked) => checked,
        Err(errors) => return report_errors(stderr, &errors),
    };

    // Nothing better to do if stderr itself is gone.
    if let Some((count, first)) = cache.as_ref().and_then(Cache::write_failures) {
        let _ = writeln!(
            stderr,
            "warning: could not write {count} cache entr{} (results are still correct); \
             the first: {first}",
            if count == 1 { "y" } else { "ies" }
        );
    }
    for error in &result.errors {
        let _ = writeln!(stderr, "error: {error}");
    }
    if matches!(input, Input::Paths(_)) && result.files_checked == 0 && result.errors.is_empty() {
        // "All checks passed!" alone would read as if something had been checked.
        let _ = writeln!(
            stderr,
            "warning: no Python files found under the given paths (see `--show-files`, \
             `include` and `exclude`)"
        );
    }
    for file in &result.fixed {
        if let FixStatus::Failed(message) = &file.status {
            let _ = writeln!(stderr, "error: {message}");
        }
    }
    if args.add_noqa {
        return crate::add_noqa::add_noqa(&result, stdout, stderr);
    }

    let report = Report::of(args);
    let printer = Printer::new(output_format, args.quiet)
        .with_statistics(args.statistics)
        .with_unsafe_fixes(args.unsafe_fixes);
    let fixing_stdin = args.fix_options().is_some() && report != Report::Diff;
    let written = match (stdin_source, fixing_stdin) {
        (Some(source), true) => {
            write_fixed_stdin(&result, &source, report, &printer, stdout, stderr)
        }
        _ => match report {
            Report::Diagnostics => printer.write(stdout, &result),
            Report::Diff => printer.write_diffs(stdout, &result).and_then(|fixes| {
                if args.quiet {
                    return Ok(());
                }
                match fixes {
                    0 => writeln!(stderr, "No errors would be fixed."),
                    1 => writeln!(stderr, "Would fix 1 error."),
                    fixes => writeln!(stderr, "Would fix {fixes} errors."),
                }
            }),
            Report::FixCount if args.quiet => Ok(()),
            Report::FixCount => write_fix_count(stdout, result.fixes_applied()),
        },
    };
    if output_failed(written.and_then(|()| stdout.flush()), stderr) {
        return ExitStatus::Error;
    }
    exit_status(&result, report, args.exit_zero)
}

/// The cache for this run, unless `--no-cache`, standard input or
/// `--add-noqa` (a one-off edit of the files it checks, whose entries it
/// would make stale at once). A cache directory that cannot be set up is
/// warned about and the run goes on without it.
fn open_cache(
    args: &CheckArgs,
    input: &Input,
    resolver: &Resolver,
    stderr: &mut dyn Write,
) -> Option<Cache> {
    if args.no_cache || args.add_noqa || matches!(input, Input::Stdin { .. }) {
        return None;
    }
    let root = resolver.root();
    let directory = &root.cache_dir;
    match Cache::open(directory, resolver.current_dir(), &root.project_root) {
        Ok(cache) => Some(cache),
        Err(error) => {
            let _ = writeln!(
                stderr,
                "warning: cannot use the cache directory `{}`: {error}; checking without a cache",
                wirelint_workspace::display_path(directory)
            );
            None
        }
    }
}

/// Standard input with `--fix` or `--fix-only`: the fixed source (or the
/// source as read, when nothing was fixed) goes to stdout; with `--fix`
/// the report of what remains goes to stderr.
fn write_fixed_stdin(
    result: &CheckResult,
    source: &[u8],
    report: Report,
    printer: &Printer,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> std::io::Result<()> {
    let fixed = result.fixed.iter().find_map(|file| match &file.status {
        FixStatus::Unwritten { fixed, .. } => Some(fixed.as_bytes()),
        _ => None,
    });
    stdout.write_all(fixed.unwrap_or(source))?;
    match report {
        Report::Diagnostics => printer.write(stderr, result),
        Report::Diff | Report::FixCount => Ok(()),
    }
}

fn write_fix_count(out: &mut dyn Write, fixes: usize) -> std::io::Result<()> {
    let plural = if fixes == 1 { "" } else { "s" };
    writeln!(out, "Fixed {fixes} error{plural}.")
}

/// Errors (a file not checked, a file not fixed) win; then `--diff` exits 1
/// when a file would change, `--fix-only` 0, and otherwise findings exit 1.
/// `--exit-zero` turns the 1 into 0.
fn exit_status(result: &CheckResult, report: Report, exit_zero: bool) -> ExitStatus {
    let fix_failed = result
        .fixed
        .iter()
        .any(|file| matches!(file.status, FixStatus::Failed(_)));
    if !result.errors.is_empty() || fix_failed {
        return ExitStatus::Error;
    }
    let flagged = match report {
        Report::Diagnostics => result.diagnostic_count() > 0,
        Report::Diff => result
            .fixed
            .iter()
            .any(|file| matches!(file.status, FixStatus::Unwritten { .. })),
        Report::FixCount => false,
    };
    if flagged && !exit_zero {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::printer::test_support::{missing_timeout, result};
    use wirelint_workspace::{FixedFile, RunError};

    fn fixed(status: FixStatus) -> FixedFile {
        FixedFile {
            path: PathBuf::from("pkg/app.py"),
            applied: 1,
            status,
        }
    }

    fn unwritten() -> FixStatus {
        FixStatus::Unwritten {
            original: Arc::from("a"),
            fixed: Arc::from("b"),
        }
    }

    #[test]
    fn exit_status_errors_win_over_findings() {
        let mut findings = result(vec![missing_timeout()]);
        let diagnostics = Report::Diagnostics;
        assert_eq!(
            exit_status(&findings, diagnostics, false),
            ExitStatus::Findings
        );
        assert_eq!(
            exit_status(&findings, diagnostics, true),
            ExitStatus::Success
        );
        findings.errors.push(RunError::MissingPath("gone".into()));
        assert_eq!(
            exit_status(&findings, diagnostics, false),
            ExitStatus::Error
        );
        assert_eq!(exit_status(&findings, diagnostics, true), ExitStatus::Error);
        assert_eq!(
            exit_status(&CheckResult::default(), diagnostics, false),
            ExitStatus::Success
        );
    }

    #[test]
    fn a_diff_exits_1_only_when_something_would_change() {
        let mut changes = result(vec![missing_timeout()]);
        assert_eq!(
            exit_status(&changes, Report::Diff, false),
            ExitStatus::Success,
            "findings without fixes are not changes"
        );
        changes.fixed.push(fixed(unwritten()));
        assert_eq!(
            exit_status(&changes, Report::Diff, false),
            ExitStatus::Findings
        );
    }

    #[test]
    fn fix_only_ignores_what_remains_but_not_a_failed_write() {
        let mut fixing = result(vec![missing_timeout()]);
        fixing.fixed.push(fixed(FixStatus::Written));
        assert_eq!(
            exit_status(&fixing, Report::FixCount, false),
            ExitStatus::Success
        );
        assert_eq!(
            exit_status(&fixing, Report::Diagnostics, false),
            ExitStatus::Findings
        );
        fixing
            .fixed
            .push(fixed(FixStatus::Failed("changed".to_string())));
        for report in [Report::FixCount, Report::Diagnostics, Report::Diff] {
            assert_eq!(exit_status(&fixing, report, true), ExitStatus::Error);
        }
    }

    #[test]
    fn standard_input_gets_the_fixed_source_or_the_original() {
        let printer = crate::printer::test_support::printer(crate::args::OutputFormat::Concise);
        let run = |result: &CheckResult, report| {
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            write_fixed_stdin(
                result,
                b"original\n",
                report,
                &printer,
                &mut stdout,
                &mut stderr,
            )
            .unwrap();
            (
                String::from_utf8(stdout).unwrap(),
                String::from_utf8(stderr).unwrap(),
            )
        };
        let mut fixed_result = result(vec![missing_timeout()]);
        fixed_result.fixed.push(fixed(unwritten()));
        let (stdout, stderr) = run(&fixed_result, Report::Diagnostics);
        assert_eq!(stdout, "b");
        assert!(stderr.contains("WL203"), "{stderr}");
        assert!(stderr.contains("(1 fixed, 1 remaining)"), "{stderr}");
        let (stdout, stderr) = run(&CheckResult::default(), Report::FixCount);
        assert_eq!((stdout.as_str(), stderr.as_str()), ("original\n", ""));
    }
}
