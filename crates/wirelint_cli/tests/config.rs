//! End-to-end tests of configuration and input: configuration files and
//! their hierarchy, `--config`, `--isolated`, errors in configuration,
//! exclusions, standard input, `@FILE` arguments, `--show-settings` and
//! `--show-files`, run against the `wirelint` binary.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `requests.get(url)`: WL203 on line 2.
const MISSING_TIMEOUT: &str = "import requests\nrequests.get(url)\n";
/// WL201 on line 2, WL203 on line 3, WL204 on line 4.
const TIMEOUTS: &str = "import httpx\nimport requests\n\
                        httpx.get(url, timeout=5)\nrequests.get(url)\n\
                        requests.get(url, timeout=None)\n";

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn wirelint(directory: &Path, args: &[&str]) -> Output {
    wirelint_with_stdin(directory, args, None)
}

fn wirelint_with_stdin(directory: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirelint"))
        .args(args)
        .current_dir(directory)
        .env_remove("WIRELINT_CACHE_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the wirelint binary runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// `path:CODE` for every concise diagnostic line, in output order.
fn findings(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter_map(|line| {
            let (location, rest) = line.split_once(": ")?;
            let path = location.split(':').next()?;
            let code = rest.split_whitespace().next()?;
            code.starts_with("WL").then(|| format!("{path}:{code}"))
        })
        .collect()
}

#[test]
fn pyproject_settings_are_honoured() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"demo\"\n\n[tool.wirelint]\nselect = [\"WL203\"]\n",
    );
    write(root, "app.py", TIMEOUTS);
    let output = wirelint(root, &["check"]);
    assert_eq!(findings(&output), ["app.py:WL203"], "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_pyproject_without_a_wirelint_table_is_passed_over() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "ignore = [\"WL204\"]\n");
    write(
        root,
        "pkg/pyproject.toml",
        "[tool.ruff]\nline-length = 90\n",
    );
    write(root, "pkg/app.py", TIMEOUTS);
    let output = wirelint(root, &["check"]);
    assert_eq!(findings(&output), ["pkg/app.py:WL201", "pkg/app.py:WL203"]);
}

#[test]
fn the_closest_configuration_governs_each_file() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "pyproject.toml",
        "[tool.wirelint]\nignore = [\"WL204\"]\n",
    );
    write(root, "service/.wirelint.toml", "select = [\"WL204\"]\n");
    // .wirelint.toml beats wirelint.toml and pyproject.toml in one directory.
    write(root, "service/wirelint.toml", "select = [\"WL201\"]\n");
    write(root, "top.py", TIMEOUTS);
    write(root, "service/api/app.py", TIMEOUTS);
    let output = wirelint(root, &["check"]);
    assert_eq!(
        findings(&output),
        ["service/api/app.py:WL204", "top.py:WL201", "top.py:WL203"]
    );
    // From inside the subdirectory, its configuration governs its files.
    let inside = wirelint(&root.join("service"), &["check", "api/app.py"]);
    assert_eq!(findings(&inside), ["api/app.py:WL204"]);
}

#[test]
fn config_flag_overrides_discovery_and_isolated_ignores_every_file() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "select = [\"WL201\"]\n");
    write(root, "sub/wirelint.toml", "select = [\"WL204\"]\n");
    write(root, "configs/only-missing.toml", "select = [\"WL203\"]\n");
    write(root, "sub/app.py", TIMEOUTS);
    let chosen = wirelint(root, &["check", "--config", "configs/only-missing.toml"]);
    assert_eq!(findings(&chosen), ["sub/app.py:WL203"]);
    let isolated = wirelint(root, &["check", "--isolated"]);
    assert_eq!(
        findings(&isolated),
        ["sub/app.py:WL201", "sub/app.py:WL203", "sub/app.py:WL204"]
    );
    let missing = wirelint(root, &["check", "--config", "nope.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    let expected = format!(
        "error: {}: configuration file does not exist\n",
        root.join("nope.toml").display()
    );
    assert_eq!(stderr(&missing), expected);
}

#[test]
fn flags_override_the_configuration() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "select = [\"WL201\", \"WL203\"]\n");
    write(root, "app.py", TIMEOUTS);
    let replaced = wirelint(root, &["check", "--select", "WL204"]);
    assert_eq!(findings(&replaced), ["app.py:WL204"]);
    let adjusted = wirelint(
        root,
        &["check", "--ignore", "WL201", "--extend-select", "WL204"],
    );
    assert_eq!(findings(&adjusted), ["app.py:WL203", "app.py:WL204"]);
}

#[test]
fn an_unknown_key_names_file_line_and_a_suggestion() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"demo\"\n\n[tool.wirelint]\npreview = true\nselct = [\"WL2\"]\n",
    );
    write(root, "app.py", TIMEOUTS);
    let output = wirelint(root, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "", "nothing is checked");
    let expected = format!(
        "error: {}:6:1: unknown key `selct` in [tool.wirelint] (did you mean `select`?)\n",
        root.join("pyproject.toml").display()
    );
    assert_eq!(stderr(&output), expected);
}

#[test]
fn wrong_types_and_unknown_codes_are_errors_with_positions() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "wirelint.toml",
        "max-retries = \"three\"\nignore = [\"WL2O1\"]\nexclude = [\"[oops\"]\n",
    );
    write(root, "app.py", TIMEOUTS);
    let output = wirelint(root, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let config = root.join("wirelint.toml");
    let errors: Vec<String> = stderr(&output).lines().map(str::to_string).collect();
    assert_eq!(
        errors,
        [
            format!(
                "error: {}:1:15: `max-retries` must be a whole number of at least 0, found a string",
                config.display()
            ),
            format!(
                "error: {}:2:11: unknown rule code `WL2O1` in `ignore` (did you mean `WL201`?)",
                config.display()
            ),
            format!(
                "error: {}:3:12: invalid glob `[oops` in `exclude`: \
                 unclosed character class; missing ']'",
                config.display()
            ),
        ]
    );
}

#[test]
fn a_broken_configuration_in_a_subdirectory_stops_the_run() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "legacy/wirelint.toml", "output-format = \"jsno\"\n");
    write(root, "legacy/old.py", TIMEOUTS);
    write(root, "app.py", TIMEOUTS);
    let output = wirelint(root, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(
        error.contains(
            "legacy/wirelint.toml:1:17: unknown `output-format` `jsno` (did you mean `json`?)"
        ),
        "{error}"
    );
}

#[test]
fn per_file_ignores_apply_to_matching_files() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "wirelint.toml",
        "[per-file-ignores]\n\"tests/**\" = [\"WL203\"]\n\"conftest.py\" = [\"WL2\"]\n",
    );
    write(root, "tests/unit/test_app.py", MISSING_TIMEOUT);
    write(root, "conftest.py", TIMEOUTS);
    write(root, "app.py", MISSING_TIMEOUT);
    let output = wirelint(root, &["check"]);
    assert_eq!(findings(&output), ["app.py:WL203"]);
}

#[test]
fn exclude_replaces_the_defaults_and_extend_exclude_adds_to_them() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    for file in ["app.py", "generated/api.py", "build/out.py", "proto_pb2.py"] {
        write(root, file, MISSING_TIMEOUT);
    }
    write(
        root,
        "wirelint.toml",
        "extend-exclude = [\"generated\", \"*_pb2.py\"]\n",
    );
    assert_eq!(findings(&wirelint(root, &["check"])), ["app.py:WL203"]);
    write(root, "wirelint.toml", "exclude = [\"generated\"]\n");
    assert_eq!(
        findings(&wirelint(root, &["check"])),
        ["app.py:WL203", "build/out.py:WL203", "proto_pb2.py:WL203"]
    );
}

#[test]
fn explicit_paths_are_checked_unless_force_exclude() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "extend-exclude = [\"generated\"]\n");
    write(root, "generated/api.py", MISSING_TIMEOUT);
    write(root, "app.py", MISSING_TIMEOUT);
    let args = ["check", "generated/api.py", "app.py"];
    assert_eq!(
        findings(&wirelint(root, &args)),
        ["app.py:WL203", "generated/api.py:WL203"]
    );
    let forced = wirelint(root, &[&args[..], &["--force-exclude"]].concat());
    assert_eq!(findings(&forced), ["app.py:WL203"]);
    // The configuration key does the same.
    write(
        root,
        "wirelint.toml",
        "extend-exclude = [\"generated\"]\nforce-exclude = true\n",
    );
    assert_eq!(findings(&wirelint(root, &args)), ["app.py:WL203"]);
}

#[test]
fn include_decides_what_a_walk_picks_up() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "include = [\"*.py\", \"bin/*\"]\n");
    write(root, "bin/tool", MISSING_TIMEOUT);
    write(root, "notes.txt", MISSING_TIMEOUT);
    write(root, "stub.pyi", MISSING_TIMEOUT);
    let output = wirelint(root, &["check"]);
    assert_eq!(findings(&output), ["bin/tool:WL203"]);
}

#[test]
fn standard_input_is_checked_under_its_filename_and_settings() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "wirelint.toml",
        "[per-file-ignores]\n\"tests/*\" = [\"WL203\"]\n",
    );
    let named = wirelint_with_stdin(
        root,
        &["check", "-", "--stdin-filename", "src/app.py"],
        Some(TIMEOUTS),
    );
    assert_eq!(
        findings(&named),
        ["src/app.py:WL201", "src/app.py:WL203", "src/app.py:WL204"]
    );
    let ignored = wirelint_with_stdin(
        root,
        &["check", "-", "--stdin-filename", "tests/test_app.py"],
        Some(MISSING_TIMEOUT),
    );
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
    let unnamed = wirelint_with_stdin(root, &["check", "-"], Some(MISSING_TIMEOUT));
    assert_eq!(findings(&unnamed), ["-:WL203"]);
    let syntax = wirelint_with_stdin(root, &["check", "-"], Some("def f(:\n"));
    let found = findings(&syntax);
    assert!(
        !found.is_empty() && found.iter().all(|finding| finding == "-:WL001"),
        "{found:?}"
    );
}

#[test]
fn an_excluded_stdin_filename_is_not_checked_with_force_exclude() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "extend-exclude = [\"vendor\"]\n");
    let args = ["check", "-", "--stdin-filename", "vendor/lib.py"];
    let plain = wirelint_with_stdin(root, &args, Some(MISSING_TIMEOUT));
    assert_eq!(findings(&plain), ["vendor/lib.py:WL203"]);
    let forced = wirelint_with_stdin(
        root,
        &[&args[..], &["--force-exclude"]].concat(),
        Some(MISSING_TIMEOUT),
    );
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(findings(&forced), Vec::<String>::new());
}

#[test]
fn stdin_misuse_is_an_error() {
    let temp = tempfile::tempdir().unwrap();
    let mixed = wirelint_with_stdin(temp.path(), &["check", "-", "."], Some(""));
    assert_eq!(mixed.status.code(), Some(2));
    assert!(
        stderr(&mixed).contains("`-` (standard input)"),
        "{}",
        stderr(&mixed)
    );
    let no_dash = wirelint(temp.path(), &["check", "--stdin-filename", "a.py"]);
    assert_eq!(no_dash.status.code(), Some(2));
    assert!(
        stderr(&no_dash).contains("pass `-`"),
        "{}",
        stderr(&no_dash)
    );
}

#[test]
fn argument_files_expand_to_the_paths_they_list() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "a.py", MISSING_TIMEOUT);
    write(root, "b.py", MISSING_TIMEOUT);
    write(root, "c.py", MISSING_TIMEOUT);
    write(root, "staged.txt", "# from pre-commit\na.py\n\n  c.py\n");
    let output = wirelint(root, &["check", "@staged.txt"]);
    assert_eq!(findings(&output), ["a.py:WL203", "c.py:WL203"]);
    let missing = wirelint(root, &["check", "@absent.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr(&missing),
        "error: argument file `absent.txt` (from `@absent.txt`) does not exist\n"
    );
    write(root, "listing.txt", "a.py\ngone.py\n");
    let listed_missing = wirelint(root, &["check", "@listing.txt"]);
    assert_eq!(listed_missing.status.code(), Some(2));
    assert_eq!(
        stderr(&listed_missing),
        "error: path `gone.py` does not exist\n"
    );
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let temp = tempfile::tempdir().unwrap();
    write(temp.path(), "app.py", MISSING_TIMEOUT);
    let output = wirelint(temp.path(), &["check", "app.py", "nowhere/x.py"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: path `nowhere/x.py` does not exist\n"
    );
    assert_eq!(findings(&output), ["app.py:WL203"]);
}

#[test]
fn show_files_lists_what_would_be_checked() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "extend-exclude = [\"skip\"]\n");
    for file in ["z.py", "a/b.pyi", "skip/c.py", ".venv/d.py", "e.txt"] {
        write(root, file, "x = 1\n");
    }
    let output = wirelint(root, &["check", "--show-files"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "a/b.pyi\nz.py\n");
}

#[test]
fn show_settings_prints_the_governing_configuration_and_every_key() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "pyproject.toml",
        "[tool.wirelint]\nmax-retries = 3\noutput-format = \"json\"\n\
         extend-client-classes = [\"acme.http.Client\"]\n",
    );
    write(root, "svc/wirelint.toml", "preview = true\n");
    write(root, "svc/acme/__init__.py", "");
    let output = wirelint(root, &["check", "--show-settings", "svc/acme/app.py"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let sub_config = root.join("svc/wirelint.toml");
    assert!(
        text.contains(&format!("# configuration: {}\n", sub_config.display())),
        "{text}"
    );
    assert!(text.contains("# package: acme\n"), "{text}");
    assert!(text.contains("\npreview = true\n"), "{text}");
    // The subdirectory's configuration does not merge with the root's.
    assert!(text.contains("\nmax-retries = 5\n"), "{text}");
    assert!(
        text.contains("\noutput-format = \"json\"  # global"),
        "{text}"
    );
    assert!(text.contains("#   WL202 timeout-without-pool\n"), "{text}");

    let root_file = wirelint(root, &["check", "--show-settings", "app.py"]);
    let text = stdout(&root_file);
    assert!(text.contains("\nmax-retries = 3\n"), "{text}");
    assert!(
        text.contains("\nextend-client-classes = [\"acme.http.Client\"]\n"),
        "{text}"
    );
    assert!(!text.contains("WL202"), "{text}");
}

#[test]
fn cache_dir_comes_from_the_configuration_or_the_environment() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "cache-dir = \"tmp/lint-cache\"\n");
    let configured = wirelint(root, &["check", "--show-settings", "a.py"]);
    let expected = format!("cache-dir = \"{}\"", root.join("tmp/lint-cache").display());
    assert!(
        stdout(&configured).contains(&expected),
        "{}",
        stdout(&configured)
    );
    let overridden = Command::new(env!("CARGO_BIN_EXE_wirelint"))
        .args(["check", "--show-settings", "a.py"])
        .current_dir(root)
        .env("WIRELINT_CACHE_DIR", "elsewhere")
        .output()
        .unwrap();
    let expected = format!("cache-dir = \"{}\"", root.join("elsewhere").display());
    assert!(
        stdout(&overridden).contains(&expected),
        "{}",
        stdout(&overridden)
    );
    // `--cache-dir` wins over both, and the run keeps its cache there.
    write(root, "a.py", MISSING_TIMEOUT);
    let flagged = Command::new(env!("CARGO_BIN_EXE_wirelint"))
        .args(["check", "--cache-dir", "flagged", "a.py"])
        .current_dir(root)
        .env("WIRELINT_CACHE_DIR", "elsewhere")
        .output()
        .unwrap();
    assert_eq!(findings(&flagged), ["a.py:WL203"]);
    assert!(root.join("flagged/CACHEDIR.TAG").is_file());
    assert!(!root.join("elsewhere").exists());
    assert!(!root.join("tmp/lint-cache").exists());
}

#[test]
fn output_format_comes_from_the_configuration_unless_the_flag_is_given() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(root, "wirelint.toml", "output-format = \"json\"\n");
    write(root, "app.py", MISSING_TIMEOUT);
    let configured = wirelint(root, &["check"]);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&configured))
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", stdout(&configured)));
    let codes: Vec<&str> = parsed
        .as_array()
        .expect("a JSON array")
        .iter()
        .filter_map(|item| item["code"].as_str())
        .collect();
    assert_eq!(codes, ["WL203"]);
    let flagged = wirelint(root, &["check", "--output-format", "concise"]);
    assert_eq!(findings(&flagged), ["app.py:WL203"]);
}

#[test]
fn project_lists_reach_the_rules_and_packages_resolve_relative_imports() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "wirelint.toml",
        "select = [\"WL101\"]\nextend-client-classes = [\"acme.http.Client\"]\n",
    );
    write(root, "acme/__init__.py", "");
    write(root, "acme/http.py", "class Client:\n    pass\n");
    write(
        root,
        "acme/app.py",
        "from .http import Client\n\nclient = Client()\n",
    );
    let output = wirelint(root, &["check"]);
    assert_eq!(
        findings(&output),
        ["acme/app.py:WL101"],
        "{}",
        stderr(&output)
    );
    let isolated = wirelint(root, &["check", "--isolated", "--select", "WL101"]);
    assert_eq!(findings(&isolated), Vec::<String>::new());
    // Without `__init__.py`, `.http` names no known module.
    fs::remove_file(root.join("acme/__init__.py")).unwrap();
    assert_eq!(findings(&wirelint(root, &["check"])), Vec::<String>::new());
}

#[test]
fn max_retries_and_project_modules_and_errors_reach_the_rules() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    write(
        root,
        "retries.py",
        "import openai\n\n\ndef make() -> openai.OpenAI:\n    return openai.OpenAI(max_retries=4)\n",
    );
    write(
        root,
        "roots.py",
        "import acme_http\n\n\nclass AError(Exception):\n    pass\n\n\nclass BError(Exception):\n    pass\n",
    );
    write(
        root,
        "wrapped.py",
        "import acme.errors\n\n\ndef fetch() -> None:\n    try:\n        pass\n\
         \x20   except acme.errors.AcmeError as error:\n        raise RuntimeError(\"x\") from error\n",
    );
    // WL403 is a preview rule.
    let select = ["check", "--preview", "--select", "WL308,WL402,WL403"];
    // The defaults: five retries are fine, `acme_http` is no network module
    // and `AcmeError` no network error.
    let plain = wirelint(root, &[&select[..], &["--isolated"]].concat());
    assert_eq!(findings(&plain), Vec::<String>::new(), "{}", stdout(&plain));
    write(
        root,
        "wirelint.toml",
        "max-retries = 3\nextend-network-modules = [\"acme_http\"]\n\
         extend-error-classes = [\"acme.errors.AcmeError\"]\n",
    );
    let configured = wirelint(root, &select);
    assert_eq!(
        findings(&configured),
        ["retries.py:WL308", "roots.py:WL403", "wrapped.py:WL402"]
    );
}
