//! `wirelint check --add-noqa`: silences every current finding by appending
//! `# noqa: CODE` to its first line, so a codebase can adopt wirelint (or a
//! new rule) at once and work off the backlog later. Files are rewritten
//! atomically, and only when they still hold the content that was checked.

use std::io::Write;
use std::path::Path;

use wirelint_linter::{NoqaAddition, is_suppressible};
use wirelint_workspace::{
    CheckResult, Expected, FileReport, Rewrite, display_path, rewrite_if_unchanged,
};

use crate::{ExitStatus, output_failed};

/// Adds directives for the findings in `result`, prints
/// `Added N noqa directives.` and returns 0, or 2 when a file could not be
/// checked or changed. Lines that cannot take a comment are warned about.
pub(crate) fn add_noqa(
    result: &CheckResult,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitStatus {
    let mut added = 0;
    let mut failed = !result.errors.is_empty();
    for report in &result.files {
        match add_to_file(report, stderr) {
            Ok(lines) => added += lines,
            Err(message) => {
                failed = true;
                // Nothing better to do if stderr itself is gone.
                let _ = writeln!(stderr, "error: {message}");
            }
        }
    }
    let plural = if added == 1 { "" } else { "s" };
    let written =
        writeln!(stdout, "Added {added} noqa directive{plural}.").and_then(|()| stdout.flush());
    if output_failed(written, stderr) || failed {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    }
}

/// Adds the directives one file needs; returns how many lines changed.
fn add_to_file(report: &FileReport, stderr: &mut dyn Write) -> Result<usize, String> {
    let path = &report.path;
    if !report
        .diagnostics
        .iter()
        .any(|diagnostic| is_suppressible(diagnostic.rule))
    {
        return Ok(0);
    }
    let Some(source) = report.source.as_deref() else {
        return Err(format!(
            "cannot add noqa directives to `{}`: its source was not kept",
            display_path(path)
        ));
    };
    let NoqaAddition {
        source: updated,
        lines_changed,
        skipped,
    } = wirelint_linter::add_noqa(source, &report.diagnostics).map_err(|error| {
        format!(
            "left `{}` unchanged: {error} (this is a bug in wirelint, please report it)",
            display_path(path)
        )
    })?;
    for line in &skipped {
        let _ = writeln!(
            stderr,
            "warning: {}:{}: cannot add `# noqa: {}`: {}",
            display_path(path),
            line.row,
            line.codes.join(", "),
            line.reason.describe()
        );
    }
    if lines_changed == 0 {
        return Ok(0);
    }
    write_back(path, source, &updated)?;
    Ok(lines_changed)
}

fn write_back(path: &Path, original: &str, updated: &str) -> Result<(), String> {
    let expected = Expected {
        content: original.as_bytes(),
        stamp: None,
    };
    match rewrite_if_unchanged(path, expected, updated.as_bytes()) {
        Ok(Rewrite::Written) => Ok(()),
        Ok(Rewrite::ChangedOnDisk) => Err(format!(
            "`{}` changed while it was being checked; left it alone (run again to add its directives)",
            display_path(path)
        )),
        Ok(Rewrite::Refused(refusal)) => Err(format!(
            "left `{}` without its directives: {refusal}",
            display_path(path)
        )),
        Err(error) => Err(format!("cannot write `{}`: {error}", display_path(path))),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::PathBuf;
    use std::sync::Arc;

    use wirelint_linter::{LinterSettings, lint_source};
    use wirelint_workspace::RunError;

    use super::*;

    const SOURCE: &str =
        "import requests\nrequests.get(u)\nrequests.get(u, timeout=None)  # noqa: E501\n";
    const WITH_DIRECTIVES: &str = "import requests\nrequests.get(u)  # noqa: WL203\nrequests.get(u, timeout=None)  # noqa: E501, WL204\n";

    /// A report as the check produces it for `source` read from `path`.
    fn report(path: PathBuf, source: &str) -> FileReport {
        FileReport {
            path,
            diagnostics: lint_source(source, &LinterSettings::default()),
            source: Some(Arc::from(source)),
        }
    }

    fn run(result: &CheckResult) -> (ExitStatus, String, String) {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let status = add_noqa(result, &mut stdout, &mut stderr);
        (
            status,
            String::from_utf8(stdout).unwrap(),
            String::from_utf8(stderr).unwrap(),
        )
    }

    fn result_for(files: Vec<FileReport>) -> CheckResult {
        CheckResult {
            files_checked: files.len(),
            files,
            errors: Vec::new(),
            fixed: Vec::new(),
        }
    }

    #[test]
    fn writes_the_directives_and_counts_lines() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("a.py");
        fs::write(&path, SOURCE).unwrap();
        let (status, stdout, stderr) = run(&result_for(vec![report(path.clone(), SOURCE)]));
        assert_eq!(status, ExitStatus::Success, "{stderr}");
        assert_eq!(stdout, "Added 2 noqa directives.\n");
        assert_eq!(fs::read_to_string(&path).unwrap(), WITH_DIRECTIVES);
        assert!(lint_source(WITH_DIRECTIVES, &LinterSettings::default()).is_empty());
    }

    #[test]
    fn a_file_changed_since_it_was_checked_is_left_alone_and_reported() {
        let temp = tempfile::tempdir().unwrap();
        let changed = temp.path().join("changed.py");
        let steady = temp.path().join("steady.py");
        let edited = format!("{SOURCE}x = 1\n");
        fs::write(&changed, &edited).unwrap();
        fs::write(&steady, SOURCE).unwrap();
        let result = result_for(vec![
            report(changed.clone(), SOURCE),
            report(steady.clone(), SOURCE),
        ]);
        let (status, stdout, stderr) = run(&result);
        assert_eq!(status, ExitStatus::Error);
        assert!(
            stderr.contains("changed.py` changed while it was being checked"),
            "{stderr}"
        );
        assert_eq!(fs::read_to_string(&changed).unwrap(), edited);
        assert_eq!(fs::read_to_string(&steady).unwrap(), WITH_DIRECTIVES);
        assert_eq!(stdout, "Added 2 noqa directives.\n");
    }

    #[test]
    fn lines_that_cannot_take_a_comment_are_warned_about() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("strings.py");
        let source = "import requests\nrequests.get(u, data='''\n''')\n";
        fs::write(&path, source).unwrap();
        let (status, stdout, stderr) = run(&result_for(vec![report(path.clone(), source)]));
        assert_eq!(status, ExitStatus::Success);
        assert_eq!(stdout, "Added 0 noqa directives.\n");
        assert!(
            stderr.contains(
                "strings.py:2: cannot add `# noqa: WL203`: the line ends inside a multi-line string"
            ),
            "{stderr}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), source);
    }

    #[test]
    fn unsilenceable_findings_and_run_errors() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("broken.py");
        let source = "def broken(:\n";
        fs::write(&path, source).unwrap();
        let mut result = result_for(vec![report(path.clone(), source)]);
        let (status, stdout, _) = run(&result);
        assert_eq!(
            (status, stdout.as_str()),
            (ExitStatus::Success, "Added 0 noqa directives.\n")
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), source);

        result.errors.push(RunError::MissingPath("gone.py".into()));
        assert_eq!(run(&result).0, ExitStatus::Error);
    }

    #[test]
    fn a_deleted_file_is_an_error() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("gone.py");
        let (status, _, stderr) = run(&result_for(vec![report(path, SOURCE)]));
        assert_eq!(status, ExitStatus::Error);
        assert!(stderr.contains("cannot write `"), "{stderr}");
        assert!(stderr.contains("gone.py"), "{stderr}");
    }

    #[test]
    fn one_directive_is_singular() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("one.py");
        let source = "import requests\nrequests.get(u)\n";
        fs::write(&path, source).unwrap();
        let (_, stdout, _) = run(&result_for(vec![report(path, source)]));
        assert_eq!(stdout, "Added 1 noqa directive.\n");
    }
}
