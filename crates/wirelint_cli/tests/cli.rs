//! End-to-end tests of the `wirelint` binary: exit codes, error reporting
//! and robustness on hostile input, run as a child process.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn wirelint(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelint"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("the wirelint binary runs")
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("output is UTF-8")
}

#[test]
fn exit_codes_are_zero_one_two() {
    let temp = tempfile::tempdir().unwrap();
    fs::write(temp.path().join("clean.py"), "x = 1\n").unwrap();
    let clean = wirelint(temp.path(), &["check"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(text(&clean.stdout), "All checks passed!\n");

    fs::write(temp.path().join("broken.py"), "def f(:\n").unwrap();
    let findings = wirelint(temp.path(), &["check"]);
    assert_eq!(findings.status.code(), Some(1));
    assert!(
        text(&findings.stdout).starts_with("broken.py:1:"),
        "{}",
        text(&findings.stdout)
    );

    let error = wirelint(temp.path(), &["check", "absent.py", "."]);
    assert_eq!(error.status.code(), Some(2));
    assert_eq!(
        text(&error.stderr),
        "error: path `absent.py` does not exist\n"
    );
    assert!(
        text(&error.stdout).contains("broken.py:1:"),
        "other paths are still checked"
    );
}

#[test]
fn a_run_that_finds_no_python_file_warns() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    fs::create_dir(root.join("docs")).unwrap();
    fs::write(root.join("docs/notes.txt"), "requests.get(url)\n").unwrap();
    fs::write(root.join("empty-list.txt"), "# nothing staged\n").unwrap();
    let warning = "warning: no Python files found under the given paths (see `--show-files`, \
                   `include` and `exclude`)\n";
    for args in [&["check", "docs"][..], &["check", "@empty-list.txt"]] {
        let output = wirelint(root, args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert_eq!(text(&output.stderr), warning, "{args:?}");
        assert_eq!(text(&output.stdout), "All checks passed!\n", "{args:?}");
    }
    // One file checked, or a path error already said: no warning.
    fs::write(root.join("docs/conf.py"), "x = 1\n").unwrap();
    let one = wirelint(root, &["check", "docs"]);
    assert_eq!(text(&one.stderr), "");
    let missing = wirelint(root, &["check", "absent"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        text(&missing.stderr),
        "error: path `absent` does not exist\n"
    );
}

#[test]
fn output_file_takes_the_report_and_stdout_stays_empty() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    fs::write(root.join("app.py"), "import requests\nrequests.get(url)\n").unwrap();
    let output = wirelint(
        root,
        &[
            "check",
            "--no-cache",
            "--output-format",
            "json",
            "-o",
            "reports/lint.json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "");
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("reports/lint.json")).unwrap()).unwrap();
    assert_eq!(report[0]["code"], "WL203");
    assert_eq!(report.as_array().unwrap().len(), 1);

    // A second run replaces the report; one that cannot write it says where and exits 2.
    fs::write(root.join("app.py"), "x = 1\n").unwrap();
    let clean = wirelint(
        root,
        &["check", "--no-cache", "--output-file", "reports/lint.json"],
    );
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(root.join("reports/lint.json")).unwrap(),
        "All checks passed!\n"
    );
    fs::write(root.join("blocker"), "").unwrap();
    let unwritable = wirelint(root, &["check", "-o", "blocker/lint.json"]);
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(
        text(&unwritable.stderr)
            .starts_with("error: cannot write the report to `blocker/lint.json`: "),
        "{}",
        text(&unwritable.stderr)
    );
    let stdin_fix = wirelint(root, &["check", "-", "--fix", "-o", "out.txt"]);
    assert_eq!(stdin_fix.status.code(), Some(2));
    assert!(text(&stdin_fix.stderr).contains("cannot be used to fix standard input"));
    assert!(!root.join("out.txt").exists());
}

#[test]
fn version_names_the_program() {
    let temp = tempfile::tempdir().unwrap();
    let output = wirelint(temp.path(), &["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        format!("wirelint {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_two() {
    let temp = tempfile::tempdir().unwrap();
    let output = wirelint(temp.path(), &["check", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).starts_with("error:"));
}

#[test]
fn deep_nesting_does_not_crash_the_process() {
    let temp = tempfile::tempdir().unwrap();
    let depth = 50_000;
    let source = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    fs::write(temp.path().join("deep.py"), source).unwrap();
    fs::write(temp.path().join("broken.py"), "def f(:\n").unwrap();
    let output = wirelint(temp.path(), &["check", "--output-format", "full"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("broken.py:1:"));
    assert!(text(&output.stderr).is_empty(), "{}", text(&output.stderr));
}

/// Runs `wirelint ARGS` through `sh -c` with `redirect` (such as `<&-`).
#[cfg(unix)]
fn wirelint_redirected(directory: &Path, args: &str, redirect: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" {args} {redirect}"))
        .arg(env!("CARGO_BIN_EXE_wirelint"))
        .current_dir(directory)
        .output()
        .expect("sh runs")
}

#[cfg(unix)]
#[test]
fn closed_standard_input_or_output_is_an_error() {
    let temp = tempfile::tempdir().unwrap();
    fs::write(
        temp.path().join("app.py"),
        "import requests\nrequests.get(u)\n",
    )
    .unwrap();
    let no_input = wirelint_redirected(temp.path(), "check -", "<&-");
    assert_eq!(no_input.status.code(), Some(2));
    assert_eq!(
        text(&no_input.stderr),
        "error: standard input is closed, so there is no source to check \
         (`-` reads it from standard input)\n"
    );
    assert_eq!(text(&no_input.stdout), "");
    // An empty input is fine: an empty file.
    let empty = wirelint_redirected(temp.path(), "check -", "</dev/null");
    assert_eq!(empty.status.code(), Some(0), "{}", text(&empty.stderr));

    for args in ["check app.py", "check --exit-zero .", "rule WL201"] {
        let no_output = wirelint_redirected(temp.path(), args, ">&-");
        assert_eq!(no_output.status.code(), Some(2), "{args}");
        assert_eq!(
            text(&no_output.stderr),
            "error: standard output is closed; wirelint has nowhere to write its report\n",
            "{args}"
        );
    }
}
