"""End-to-end tests of the installed `wirelint` console script, run as a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import CONCISE_LINE, Run, report_lines, wirelint_environment, write

CLEAN = "def add(a: int, b: int) -> int:\n    return a + b\n"

# WL201 on line 6 (`timeout=5` starts at column 20), WL203 on line 7, WL204 on line 8.
TIMEOUTS = """\
import httpx
import requests


def fetch(url: str) -> None:
    httpx.get(url, timeout=5)
    requests.get(url)
    requests.get(url, timeout=None)
"""

SYNTAX_ERROR = "def broken(:\n    pass\n"


def findings(stdout: str) -> list[tuple[str, int, int, str]]:
    """(path, row, column, code) of every concise diagnostic line, in output order."""
    found: list[tuple[str, int, int, str]] = []
    for line in stdout.splitlines():
        match = CONCISE_LINE.match(line)
        if match:
            found.append(
                (
                    match["path"].replace(os.sep, "/"),
                    int(match["row"]),
                    int(match["column"]),
                    match["code"],
                )
            )
    return found


def codes_by_path(stdout: str) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for path, _, _, code in findings(stdout):
        result.setdefault(path, set()).add(code)
    return result


def json_output(stdout: str) -> list[dict[str, Any]]:
    value = json.loads(stdout)
    assert isinstance(value, list)
    return value


# --- exit codes and the summary line ----------------------------------------------------------


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"wirelint \d+\.\d+\.\d+\S*\n", result.stdout), result.stdout


def test_clean_project_exits_zero(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pkg" / "clean.py", CLEAN)
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "All checks passed!\n"
    assert result.stderr == ""


def test_findings_exit_one(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "timeouts.py", TIMEOUTS)
    result = run("check", "--select", "WL2")
    assert result.returncode == 1, result.stderr
    assert report_lines(result.stdout)[-1].startswith("Found 3 errors")


def test_the_summary_is_followed_by_the_next_steps(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "timeouts.py", TIMEOUTS)
    write(tmp_path / "more.py", "import requests\nrequests.get(url)\nrequests.post(url)\n")
    lines = run("check", "--select", "WL2").stdout.splitlines()
    assert lines[-3:] == [
        "Found 5 errors (1 fixable, marked [*]).",
        "Run with `--fix` to apply the 1 fix marked [*].",
        "Run `wirelint rule WL203` to read what a rule flags, why, and what to write instead.",
    ]
    # Each step works as written.
    assert run("check", "--select", "WL2", "--fix").stdout.splitlines()[-2:] == [
        "Found 5 errors (1 fixed, 4 remaining).",
        "Run `wirelint rule WL203` to read what a rule flags, why, and what to write instead.",
    ]
    rule = run("rule", "WL203")
    assert rule.returncode == 0
    assert rule.stdout.startswith("# missing-timeout (WL203)")
    # A clean run has nothing to teach; machine formats never get the steps.
    assert run("check", "--select", "WL2", "--output-format", "json").stdout.count("Run ") == 0
    write(tmp_path / "timeouts.py", CLEAN)
    write(tmp_path / "more.py", CLEAN)
    assert run("check").stdout == "All checks passed!\n"


def test_default_path_is_the_current_directory(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "sub" / "broken.py", SYNTAX_ERROR)
    assert findings(run("check").stdout) == findings(run("check", ".").stdout)
    assert {path for path, *_ in findings(run("check").stdout)} == {"sub/broken.py"}


def test_exit_zero_reports_but_succeeds(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "broken.py", SYNTAX_ERROR)
    result = run("check", "--exit-zero")
    assert result.returncode == 0
    assert codes_by_path(result.stdout) == {"broken.py": {"WL001"}}


def test_exit_zero_does_not_hide_errors(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "broken.py", SYNTAX_ERROR)
    result = run("check", "--exit-zero", "broken.py", "missing.py")
    assert result.returncode == 2


def test_quiet_drops_the_summary(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "broken.py", SYNTAX_ERROR)
    result = run("check", "--quiet")
    assert result.returncode == 1
    assert "Found" not in result.stdout
    assert findings(result.stdout)


# --- output formats ---------------------------------------------------------------------------


def test_concise_output(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "timeouts.py", TIMEOUTS)
    result = run("check", "--select", "WL2", "--output-format", "concise")
    lines = result.stdout.splitlines()
    assert any(line.startswith("timeouts.py:6:20: WL201 ") for line in lines), result.stdout
    assert [(row, code) for _, row, _, code in findings(result.stdout)] == [
        (6, "WL201"),
        (7, "WL203"),
        (8, "WL204"),
    ]


def test_concise_is_the_default(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "timeouts.py", TIMEOUTS)
    assert run("check").stdout == run("check", "--output-format", "concise").stdout


def test_output_is_sorted_by_path_line_and_column(run: Run, tmp_path: Path) -> None:
    for name in ["b.py", "a/z.py", "a/b.py", "c.py"]:
        write(tmp_path / name, "x = (\ny = ]\n" + SYNTAX_ERROR)
    found = findings(run("check").stdout)
    assert len(found) >= 8
    assert found == sorted(found)
    assert found[0][0] == "a/b.py"


def test_full_output_shows_source_and_markers(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "timeouts.py", TIMEOUTS)
    result = run("check", "--select", "WL201", "--output-format", "full")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("timeouts.py:6:20: WL201")))
    assert lines[header + 1] == "  |"
    assert lines[header + 2] == "6 |     httpx.get(url, timeout=5)"
    assert lines[header + 3] == "  |                    ^^^^^^^^^"
    assert lines[header + 4] == "  |"
    assert any(line.startswith("  = help: ") for line in lines), result.stdout
    assert report_lines(result.stdout)[-1].startswith("Found 1 error")


def test_json_output(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "timeouts.py", TIMEOUTS)
    result = run("check", "--select", "WL2", "--output-format", "json")
    assert result.returncode == 1
    assert result.stdout.startswith("[\n  {\n"), "JSON output is pretty-printed"
    assert "Found" not in result.stdout
    diagnostics = json_output(result.stdout)
    assert [d["code"] for d in diagnostics] == ["WL201", "WL203", "WL204"]
    for diagnostic in diagnostics:
        assert set(diagnostic) >= {
            "code",
            "message",
            "filename",
            "location",
            "end_location",
            "fix",
            "noqa_row",
        }
        assert Path(diagnostic["filename"]) == (tmp_path / "timeouts.py").resolve()
        assert diagnostic["noqa_row"] == diagnostic["location"]["row"]
        assert isinstance(diagnostic["message"], str)
        assert diagnostic["message"]
    scalar = diagnostics[0]
    assert scalar["location"] == {"row": 6, "column": 20}
    assert scalar["end_location"] == {"row": 6, "column": 29}
    fix = scalar["fix"]
    if fix is not None:
        assert fix["applicability"] in {"safe", "unsafe"}
        assert isinstance(fix["message"], str)
        for edit in fix["edits"]:
            assert set(edit) == {"content", "location", "end_location"}


def test_json_output_of_a_clean_run_is_an_empty_array(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "clean.py", CLEAN)
    result = run("check", "--output-format", "json")
    assert result.returncode == 0
    assert result.stdout == "[]\n"


def test_unknown_output_format_is_an_error(run: Run) -> None:
    result = run("check", "--output-format", "xml")
    assert result.returncode == 2
    assert "xml" in result.stderr


# --- rule selection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--select", "WL2"], {"WL201", "WL203", "WL204"}),
        (["--select", "WL20"], {"WL201", "WL203", "WL204"}),
        (["--select", "WL201"], {"WL201"}),
        (["--select", "WL201,WL204"], {"WL201", "WL204"}),
        (["--select", "WL201", "--select", "WL203"], {"WL201", "WL203"}),
        (["--select", "wl2", "--ignore", "WL203"], {"WL201", "WL204"}),
        (["--select", "WL2", "--ignore", "WL20"], set()),
        (["--ignore", "WL2", "--extend-select", "WL201"], {"WL201"}),
        (["--select", "WL203", "--extend-select", "WL204"], {"WL203", "WL204"}),
    ],
)
def test_select_and_ignore_prefixes(
    run: Run, tmp_path: Path, flags: list[str], expected: set[str]
) -> None:
    write(tmp_path / "timeouts.py", TIMEOUTS)
    result = run("check", *flags)
    assert result.returncode == (1 if expected else 0), result.stderr
    assert {code for *_, code in findings(result.stdout)} == expected


def test_ignore_cannot_silence_syntax_errors(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "broken.py", SYNTAX_ERROR)
    result = run("check", "--ignore", "WL0")
    assert codes_by_path(result.stdout) == {"broken.py": {"WL001"}}


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_unknown_selector_is_an_error_with_a_suggestion(run: Run, flag: str) -> None:
    result = run("check", flag, "WL2011")
    assert result.returncode == 2
    assert "WL2011" in result.stderr
    assert "did you mean `WL201`" in result.stderr
    assert result.stdout == ""


def test_preview_rules_need_preview(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pool.py", "import httpx\n\nt = httpx.Timeout(5.0, connect=1.0)\n")
    assert run("check", "--select", "WL202").returncode == 0
    result = run("check", "--select", "WL202", "--preview")
    assert {code for *_, code in findings(result.stdout)} == {"WL202"}


# --- `wirelint rule` --------------------------------------------------------------------------


def test_rule_prints_its_documentation(run: Run) -> None:
    result = run("rule", "WL201")
    assert result.returncode == 0
    assert result.stdout.startswith("# scalar-timeout (WL201)")
    for heading in ["## What it does", "## Why is this bad?", "## Example", "## Use instead"]:
        assert heading in result.stdout


def test_rule_code_is_case_insensitive(run: Run) -> None:
    assert run("rule", "wl201").stdout == run("rule", "WL201").stdout


def test_rule_all_prints_every_rule(run: Run) -> None:
    rules = json_output(run("rule", "--all", "--output-format", "json").stdout)
    codes = [rule["code"] for rule in rules]
    assert {"WL001", "WL002", "WL201", "WL202", "WL203", "WL204"} <= set(codes)
    assert codes == sorted(codes)
    result = run("rule", "--all")
    assert result.returncode == 0
    assert result.stdout.count("## What it does") == len(codes)
    for rule in rules:
        assert f"# {rule['name']} ({rule['code']})" in result.stdout
        assert rule["docs"] in result.stdout


def test_rule_json(run: Run) -> None:
    result = run("rule", "WL203", "--output-format", "json")
    rule = json.loads(result.stdout)
    assert rule["code"] == "WL203"
    assert rule["name"] == "missing-timeout"
    assert rule["status"] == "stable"
    assert set(rule) == {"code", "name", "family", "status", "summary", "docs"}
    assert rule["docs"] == run("rule", "WL203").stdout.rstrip("\n")


def test_unknown_rule_is_an_error_with_a_suggestion(run: Run) -> None:
    result = run("rule", "WL2011")
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
    assert "WL2011" in result.stderr
    assert "did you mean `WL201`" in result.stderr


# --- robustness -------------------------------------------------------------------------------


def test_missing_path_is_an_error_and_other_paths_are_checked(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "broken.py", SYNTAX_ERROR)
    result = run("check", "does_not_exist.py", "broken.py", "no_such_dir")
    assert result.returncode == 2
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 2, result.stderr
    assert "does_not_exist.py" in error_lines[0]
    assert "no_such_dir" in error_lines[1]
    assert codes_by_path(result.stdout) == {"broken.py": {"WL001"}}


def test_syntax_error_does_not_stop_other_files(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a_broken.py", SYNTAX_ERROR)
    write(tmp_path / "timeouts.py", TIMEOUTS)
    result = run("check", "--select", "WL2")
    assert result.returncode == 1
    by_path = codes_by_path(result.stdout)
    assert by_path["a_broken.py"] == {"WL001"}
    assert by_path["timeouts.py"] == {"WL201", "WL203", "WL204"}


def test_syntax_error_file_still_gets_other_findings(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "mixed.py", "import httpx\n\nhttpx.get(u, timeout=5)\n\ndef broken(:\n")
    codes = {code for *_, code in findings(run("check", "--select", "WL201").stdout)}
    assert codes == {"WL001", "WL201"}


def test_non_utf8_file_is_wl002(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "latin1.py", "# caf\u00e9\nx = 1\n".encode("latin-1"))
    write(tmp_path / "clean.py", CLEAN)
    result = run("check")
    assert result.returncode == 1
    assert findings(result.stdout) == [("latin1.py", 1, 1, "WL002")]
    assert "UTF-8" in result.stdout


def test_binary_file_named_py_is_wl002(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "image.py", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    result = run("check", "--output-format", "full")
    assert result.returncode == 1
    assert codes_by_path(result.stdout) == {"image.py": {"WL002"}}


def test_unreadable_entries_are_wl002(run: Run, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.fail("symbolic links need POSIX here; run this suite on Linux or macOS")
    os.symlink(tmp_path / "nowhere.py", tmp_path / "dangling.py")
    (tmp_path / "real_dir").mkdir()
    os.symlink(tmp_path / "real_dir", tmp_path / "dir_link.py")
    result = run("check")
    assert result.returncode == 1
    assert codes_by_path(result.stdout) == {"dangling.py": {"WL002"}, "dir_link.py": {"WL002"}}


def test_explicit_directory_named_py_is_searched(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "package.py" / "inner.py", SYNTAX_ERROR)
    result = run("check", "package.py")
    assert codes_by_path(result.stdout) == {"package.py/inner.py": {"WL001"}}


def test_empty_file_is_clean(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "empty.py", "")
    write(tmp_path / "stub.pyi", "")
    result = run("check")
    assert result.returncode == 0
    assert result.stdout == "All checks passed!\n"


def test_deeply_nested_expression_does_not_crash(run: Run, tmp_path: Path) -> None:
    depth = 50_000
    write(tmp_path / "deep_parens.py", "x = " + "(" * depth + "1" + ")" * depth + "\n")
    write(tmp_path / "deep_lists.py", "y = " + "[" * depth + "]" * depth + "\n")
    write(tmp_path / "deep_sum.py", "z = " + "1 + " * depth + "1\n")
    write(tmp_path / "timeouts.py", TIMEOUTS)
    result = run("check", "--select", "WL2")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert codes_by_path(result.stdout)["timeouts.py"] == {"WL201", "WL203", "WL204"}


def test_closed_stdout_pipe_is_not_a_crash(wirelint_executable: str, tmp_path: Path) -> None:
    write(tmp_path / "many.py", "x = (\n" * 20_000)
    process = subprocess.Popen(
        [wirelint_executable, "check", "--output-format", "full"],
        cwd=tmp_path,
        env=wirelint_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first_line = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8", "replace")
    returncode = process.wait(timeout=120)
    assert first_line.startswith(b"many.py:")
    assert "panicked" not in stderr
    assert returncode == 1, stderr


# --- discovery --------------------------------------------------------------------------------


def test_python_files_and_stubs_are_found(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pkg" / "mod.py", SYNTAX_ERROR)
    write(tmp_path / "pkg" / "mod.pyi", SYNTAX_ERROR)
    write(tmp_path / "pkg" / "notes.txt", SYNTAX_ERROR)
    write(tmp_path / "pkg" / "script", SYNTAX_ERROR)
    result = run("check")
    assert set(codes_by_path(result.stdout)) == {"pkg/mod.py", "pkg/mod.pyi"}


def test_explicit_file_is_checked_whatever_its_extension(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "bin" / "tool", SYNTAX_ERROR)
    result = run("check", "bin/tool")
    assert codes_by_path(result.stdout) == {"bin/tool": {"WL001"}}


def test_skipped_directories_are_not_searched(run: Run, tmp_path: Path) -> None:
    skipped = [".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist"]
    for directory in skipped:
        write(tmp_path / directory / "inside.py", SYNTAX_ERROR)
        write(tmp_path / "pkg" / directory / "nested.py", SYNTAX_ERROR)
    write(tmp_path / "pkg" / "kept.py", SYNTAX_ERROR)
    result = run("check")
    assert set(codes_by_path(result.stdout)) == {"pkg/kept.py"}
    explicit = run("check", "build/inside.py")
    assert set(codes_by_path(explicit.stdout)) == {"build/inside.py"}


def test_gitignore_is_respected_in_a_git_repository(run: Run, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "generated/\n*_pb2.py\n")
    write(tmp_path / "generated" / "client.py", SYNTAX_ERROR)
    write(tmp_path / "pkg" / "api_pb2.py", SYNTAX_ERROR)
    write(tmp_path / "pkg" / "api.py", SYNTAX_ERROR)
    result = run("check")
    assert set(codes_by_path(result.stdout)) == {"pkg/api.py"}
    # Walking a subdirectory still honours the repository's .gitignore.
    assert set(codes_by_path(run("check", "pkg").stdout)) == {"pkg/api.py"}
    # A file named explicitly is checked even when ignored.
    explicit = run("check", "pkg/api_pb2.py")
    assert set(codes_by_path(explicit.stdout)) == {"pkg/api_pb2.py"}
    everything = run("check", "--no-respect-gitignore")
    assert set(codes_by_path(everything.stdout)) == {
        "generated/client.py",
        "pkg/api_pb2.py",
        "pkg/api.py",
    }
