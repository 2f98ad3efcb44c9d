//! `wirelint check`: builds the settings from the flags, runs the check
//! through the workspace crate, prints the result and picks the exit code.

use std::io::Write;

use wirelint_linter::LinterSettings;
use wirelint_workspace::{CheckOptions, CheckResult, check_paths};

use crate::args::CheckArgs;
use crate::printer::Printer;
use crate::{ExitStatus, output_failed};

pub fn check(args: &CheckArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitStatus {
    let options = CheckOptions {
        linter: LinterSettings {
            rules: args.rule_selection().resolve(),
            ..LinterSettings::default()
        },
        respect_gitignore: !args.no_respect_gitignore,
    };
    let result = check_paths(&args.paths, &options);

    for error in &result.errors {
        // Nothing better to do if stderr itself is gone.
        let _ = writeln!(stderr, "error: {error}");
    }
    let printer = Printer::new(args.output_format, args.quiet);
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
