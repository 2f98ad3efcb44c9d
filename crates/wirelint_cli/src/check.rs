//! `wirelint check`: resolves the settings from configuration files and
//! flags, runs the check through the workspace crate (or shows settings or
//! files instead), prints the result and picks the exit code.

use std::io::Write;

use wirelint_workspace::CheckResult;

use crate::args::CheckArgs;
use crate::config::{self, report_errors};
use crate::input::Input;
use crate::printer::Printer;
use crate::{ExitStatus, output_failed};

pub fn check(args: &CheckArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitStatus {
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
    let result = match input.check(&resolver) {
        Ok(result) => result,
        Err(errors) => return report_errors(stderr, &errors),
    };

    for error in &result.errors {
        // Nothing better to do if stderr itself is gone.
        let _ = writeln!(stderr, "error: {error}");
    }
    if args.add_noqa {
        return crate::add_noqa::add_noqa(&result, stdout, stderr);
    }
    let printer = Printer::new(output_format, args.quiet).with_statistics(args.statistics);
    let written = printer.write(stdout, &result).and_then(|()| stdout.flush());
    if output_failed(written, stderr) {
        return ExitStatus::Error;
    }
    exit_status(&result, args.exit_zero)
}

/// Errors win over findings; `--exit-zero` turns findings into success.
fn exit_status(result: &CheckResult, exit_zero: bool) -> ExitStatus {
    if !result.errors.is_empty() {
        ExitStatus::Error
    } else if result.diagnostic_count() > 0 && !exit_zero {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::test_support::{missing_timeout, result};
    use wirelint_workspace::RunError;

    #[test]
    fn exit_status_errors_win_over_findings() {
        let mut findings = result(vec![missing_timeout()]);
        assert_eq!(exit_status(&findings, false), ExitStatus::Findings);
        assert_eq!(exit_status(&findings, true), ExitStatus::Success);
        findings.errors.push(RunError::MissingPath("gone".into()));
        assert_eq!(exit_status(&findings, false), ExitStatus::Error);
        assert_eq!(exit_status(&findings, true), ExitStatus::Error);
        assert_eq!(
            exit_status(&CheckResult::default(), false),
            ExitStatus::Success
        );
    }
}
