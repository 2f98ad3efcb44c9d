"""End-to-end tests of every `wirelint check --output-format`, `--statistics` and colour."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from helpers import Run, report_lines, wirelint_environment, write

SCHEMAS = Path(__file__).parent / "schemas"

# WL201 on line 6 (fixable), WL203 on line 7, WL204 on line 8.
TIMEOUTS = """\
import httpx
import requests


def fetch(url: str) -> None:
    httpx.get(url, timeout=5)
    requests.get(url)
    requests.get(url, timeout=None)
"""

# The same WL203 finding twice, on identical lines.
TWIN_CALLS = """\
import requests


def fetch(url: str) -> None:
    requests.get(url)
    requests.get(url)
"""

# One WL001 at 1:8.
SYNTAX_ERROR = "x = 1 +\n"

CLEAN = "x = 1\n"

ANSI_ESCAPE = "\x1b["

ALL_FORMATS = [
    "concise",
    "full",
    "json",
    "json-lines",
    "github",
    "gitlab",
    "sarif",
    "junit",
    "pylint",
    "grouped",
]


def json_diagnostics(run: Run, *args: str) -> list[dict[str, Any]]:
    """The `json` format's diagnostics for the same check, to compare other formats with."""
    result = run("check", "--output-format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    diagnostics: list[dict[str, Any]] = json.loads(result.stdout)
    return diagnostics


def project(tmp_path: Path) -> None:
    """Two files with findings, one clean file, one syntax error."""
    write(tmp_path / "pkg" / "client.py", TIMEOUTS)
    write(tmp_path / "app.py", TIMEOUTS)
    write(tmp_path / "pkg" / "clean.py", CLEAN)
    write(tmp_path / "broken.py", SYNTAX_ERROR)


EXPECTED_FINDINGS = [
    ("app.py", 6, "WL201"),
    ("app.py", 7, "WL203"),
    ("app.py", 8, "WL204"),
    ("broken.py", 1, "WL001"),
    ("pkg/client.py", 6, "WL201"),
    ("pkg/client.py", 7, "WL203"),
    ("pkg/client.py", 8, "WL204"),
]


# --- every format -------------------------------------------------------------


@pytest.mark.parametrize("output_format", ALL_FORMATS)
def test_every_format_reports_findings_with_exit_one(
    run: Run, tmp_path: Path, output_format: str
) -> None:
    project(tmp_path)
    result = run("check", "--output-format", output_format)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert "WL203" in result.stdout
    assert ANSI_ESCAPE not in result.stdout


@pytest.mark.parametrize("output_format", ALL_FORMATS)
def test_every_format_is_deterministic(run: Run, tmp_path: Path, output_format: str) -> None:
    project(tmp_path)
    first = run("check", "--output-format", output_format)
    second = run("check", "--output-format", output_format)
    assert first.stdout == second.stdout


CLEAN_OUTPUT = {
    "concise": "All checks passed!\n",
    "full": "All checks passed!\n",
    "grouped": "All checks passed!\n",
    "json": "[]\n",
    "gitlab": "[]\n",
    "json-lines": "",
    "github": "",
    "pylint": "",
}


@pytest.mark.parametrize("output_format", ALL_FORMATS)
def test_every_format_handles_a_clean_run(run: Run, tmp_path: Path, output_format: str) -> None:
    write(tmp_path / "ok.py", CLEAN)
    result = run("check", "--output-format", output_format)
    assert result.returncode == 0, result.stderr
    if output_format == "sarif":
        assert json.loads(result.stdout)["runs"][0]["results"] == []
    elif output_format == "junit":
        assert 'failures="0"' in result.stdout
        assert "<failure" not in result.stdout
    else:
        assert result.stdout == CLEAN_OUTPUT[output_format]


def test_unknown_format_lists_the_choices(run: Run) -> None:
    result = run("check", "--output-format", "yaml")
    assert result.returncode == 2
    for name in ("json-lines", "github", "gitlab", "sarif", "junit", "pylint", "grouped"):
        assert name in result.stderr


def words_without_markup(text: str) -> list[str]:
    """The words of a text, ignoring code fences and `#` marks."""
    return [
        word.lstrip("#") for word in text.split() if not word.startswith("```") and word.lstrip("#")
    ]


# --- text formats ---------------------------------------------------------------


def test_concise_lines_in_path_row_column_order(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    lines = report_lines(run("check", "--output-format", "concise").stdout)
    pattern = re.compile(r"^(.+?):(\d+):(\d+): (WL\d{3}) ")
    found = [
        (match[1], int(match[2]), match[4]) for line in lines if (match := pattern.match(line))
    ]
    assert found == [
        (path.replace("/", os.sep), row, code) for path, row, code in EXPECTED_FINDINGS
    ]
    assert lines[-1] == "Found 7 errors (2 fixable, marked [*])."


def test_full_shows_the_source_line(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "app.py", TIMEOUTS)
    result = run("check", "--output-format", "full", "--select", "WL203")
    assert "app.py:7:5: WL203 " in result.stdout
    assert "7 |     requests.get(url)\n" in result.stdout
    assert "  |     ^^^^^^^^^^^^^^^^^\n" in result.stdout


def test_pylint_format(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    result = run("check", "--output-format", "pylint")
    lines = result.stdout.splitlines()
    messages = [item["message"] for item in json_diagnostics(run)]
    assert lines == [
        f"{path.replace('/', os.sep)}:{row}: [{code}] {message}"
        for (path, row, code), message in zip(EXPECTED_FINDINGS, messages)
    ]


def test_grouped_format(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "app.py", TIMEOUTS)
    write(tmp_path / "broken.py", SYNTAX_ERROR)
    result = run("check", "--output-format", "grouped")
    blocks = result.stdout.split("\n\n")
    assert blocks[0].splitlines()[0] == "app.py:"
    app_rows = blocks[0].splitlines()[1:]
    assert [row.split()[:2] for row in app_rows] == [
        ["6:20", "WL201"],
        ["7:5", "WL203"],
        ["8:23", "WL204"],
    ]
    assert all(row.startswith("  ") for row in app_rows)
    # The codes line up although the positions differ in width.
    assert len({row.index("WL2") for row in app_rows}) == 1
    assert "[*]" in app_rows[0]
    assert blocks[1].splitlines()[0] == "broken.py:"
    assert blocks[1].splitlines()[1].split()[1] == "WL001"
    assert report_lines(blocks[2]) == ["Found 4 errors (1 fixable, marked [*])."]


# --- JSON formats ---------------------------------------------------------------


def test_json_lines_parse_line_by_line_and_match_json(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    result = run("check", "--output-format", "json-lines")
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXPECTED_FINDINGS)
    objects = [json.loads(line) for line in lines]
    assert objects == json_diagnostics(run)
    assert [item["code"] for item in objects] == [code for _, _, code in EXPECTED_FINDINGS]


def test_json_lines_of_a_clean_run_is_empty(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "ok.py", CLEAN)
    assert run("check", "--output-format", "json-lines").stdout == ""


# --- GitHub ---------------------------------------------------------------------


GITHUB_COMMAND = re.compile(r"^::error (?P<properties>[^:]*)::(?P<message>.*)$")


def github_unescape(value: str) -> str:
    """Decodes a workflow-command value the way the Actions runner does."""
    for escaped, character in (
        ("%0D", "\r"),
        ("%0A", "\n"),
        ("%3A", ":"),
        ("%2C", ","),
        ("%25", "%"),
    ):
        value = value.replace(escaped, character)
    return value


def test_github_commands_escape_separators_in_paths(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "odd, name: 100%.py", TIMEOUTS)
    result = run("check", "--output-format", "github")
    lines = result.stdout.splitlines()
    diagnostics = json_diagnostics(run)
    assert len(lines) == len(diagnostics) == 3
    for line, diagnostic in zip(lines, diagnostics):
        command = GITHUB_COMMAND.match(line)
        assert command, line
        properties = dict(item.split("=", 1) for item in command["properties"].split(","))
        code = diagnostic["code"]
        assert properties == {
            "title": f"wirelint ({code})",
            "file": "odd%2C name%3A 100%25.py",
            "line": str(diagnostic["location"]["row"]),
            "col": str(diagnostic["location"]["column"]),
            "endLine": str(diagnostic["end_location"]["row"]),
            "endColumn": str(diagnostic["end_location"]["column"]),
        }
        assert github_unescape(properties["file"]) == "odd, name: 100%.py"
        # Messages escape only `%` and line breaks: their commas and colons stay.
        assert command["message"] == f"{code} {diagnostic['message']}".replace("%", "%25")
    assert result.stdout.count("::error ") == 3


def test_github_message_with_a_colon_and_comma_is_kept_whole(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "app.py", TIMEOUTS)
    result = run("check", "--output-format", "github", "--select", "WL204")
    (line,) = result.stdout.splitlines()
    command = GITHUB_COMMAND.match(line)
    assert command, line
    # WL204's message contains a colon; the message part still runs to the end of the line.
    message = json_diagnostics(run, "--select", "WL204")[0]["message"]
    assert ":" in message
    assert command["message"] == f"WL204 {message}"


# --- GitLab ---------------------------------------------------------------------


def gitlab_issues(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("check", "--output-format", "gitlab", *args)
    assert result.returncode in (0, 1), result.stderr
    issues: list[dict[str, Any]] = json.loads(result.stdout)
    return issues


def test_gitlab_code_quality_fields(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    issues = gitlab_issues(run)
    assert [
        (
            issue["location"]["path"],
            issue["location"]["positions"]["begin"]["line"],
            issue["check_name"],
        )
        for issue in issues
    ] == EXPECTED_FINDINGS
    for issue, diagnostic in zip(issues, json_diagnostics(run)):
        assert issue["severity"] == "major"
        assert issue["description"] == f"{diagnostic['code']} {diagnostic['message']}"
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        positions = issue["location"]["positions"]
        assert positions["begin"]["column"] == diagnostic["location"]["column"]
        assert positions["end"] == {
            "line": diagnostic["end_location"]["row"],
            "column": diagnostic["end_location"]["column"],
        }


def test_gitlab_fingerprints_are_unique_and_stable(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path / "twins.py", TWIN_CALLS)
    first = [issue["fingerprint"] for issue in gitlab_issues(run)]
    second = [issue["fingerprint"] for issue in gitlab_issues(run)]
    assert first == second
    assert len(set(first)) == len(first)


def test_gitlab_fingerprints_survive_unrelated_edits(run: Run, tmp_path: Path) -> None:
    source = write(tmp_path / "app.py", TIMEOUTS)
    before = {issue["check_name"]: issue["fingerprint"] for issue in gitlab_issues(run)}
    source.write_text("# a new comment\n\n" + TIMEOUTS, encoding="utf-8")
    issues = gitlab_issues(run)
    assert [issue["location"]["positions"]["begin"]["line"] for issue in issues] == [8, 9, 10]
    assert {issue["check_name"]: issue["fingerprint"] for issue in issues} == before


def test_gitlab_paths_are_relative_to_the_working_directory(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pkg" / "client.py", TIMEOUTS)
    issues = gitlab_issues(run, str(tmp_path / "pkg"))
    assert {issue["location"]["path"] for issue in issues} == {"pkg/client.py"}


# --- SARIF ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-github.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def sarif_log(run: Run, validator: jsonschema.protocols.Validator, *args: str) -> dict[str, Any]:
    result = run("check", "--output-format", "sarif", *args)
    assert result.returncode in (0, 1), result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    validator.validate(log)
    return log


MINIMAL_SARIF: dict[str, Any] = {
    "version": "2.1.0",
    "runs": [
        {
            "tool": {"driver": {"name": "x"}},
            "results": [
                {
                    "ruleId": "WL203",
                    "message": {"text": "m"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "a.py"},
                                "region": {"startLine": 1},
                            }
                        }
                    ],
                }
            ],
        }
    ],
}


def first_result(log: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = log["runs"][0]["results"][0]
    return result


def first_physical_location(log: dict[str, Any]) -> dict[str, Any]:
    location: dict[str, Any] = first_result(log)["locations"][0]["physicalLocation"]
    return location


SARIF_BREAKAGES: dict[str, Callable[[dict[str, Any]], object]] = {
    "another version": lambda log: log.update(version="2.0.0"),
    "a driver without a name": lambda log: log["runs"][0]["tool"]["driver"].pop("name"),
    "a rule without descriptions": lambda log: log["runs"][0]["tool"]["driver"].update(
        rules=[{"id": "WL203"}]
    ),
    "an empty rule id": lambda log: first_result(log).update(ruleId=""),
    "a result without a message": lambda log: first_result(log).pop("message"),
    "a result without a location": lambda log: first_result(log).update(locations=[]),
    "a location without a uri": lambda log: first_physical_location(log)["artifactLocation"].pop(
        "uri"
    ),
    "a backslashed uri": lambda log: first_physical_location(log)["artifactLocation"].update(
        uri="pkg\\a.py"
    ),
    "line zero": lambda log: first_physical_location(log)["region"].update(startLine=0),
}


@pytest.mark.parametrize("breakage", SARIF_BREAKAGES)
def test_the_sarif_schema_rejects_what_code_scanning_rejects(
    sarif_validator: jsonschema.protocols.Validator, breakage: str
) -> None:
    """The schema is a real check: the minimal log passes, each broken copy fails."""
    log = copy.deepcopy(MINIMAL_SARIF)
    sarif_validator.validate(log)
    SARIF_BREAKAGES[breakage](log)
    assert not sarif_validator.is_valid(log)


def test_sarif_validates_and_describes_every_rule(
    run: Run, tmp_path: Path, sarif_validator: jsonschema.protocols.Validator
) -> None:
    project(tmp_path)
    log = sarif_log(run, sarif_validator)
    assert log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "wirelint"
    version = run("--version").stdout.split()[-1]
    assert driver["version"] == version
    documented = json.loads(run("rule", "--all", "--output-format", "json").stdout)
    assert [rule["id"] for rule in driver["rules"]] == [rule["code"] for rule in documented]
    for rule, document in zip(driver["rules"], documented):
        assert rule["name"] == document["name"]
        assert rule["shortDescription"]["text"] == document["summary"]
        assert rule["help"]["markdown"] == document["docs"]
        # The plain-text help holds the same words without Markdown's fences and heading marks.
        assert "```" not in rule["help"]["text"]
        assert words_without_markup(rule["help"]["text"]) == words_without_markup(document["docs"])
        assert "helpUri" not in rule
        assert rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] == "error"


def test_sarif_results_point_at_rule_file_and_region(
    run: Run, tmp_path: Path, sarif_validator: jsonschema.protocols.Validator
) -> None:
    project(tmp_path)
    log = sarif_log(run, sarif_validator)
    (sarif_run,) = log["runs"]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    rules = sarif_run["tool"]["driver"]["rules"]
    results = sarif_run["results"]
    diagnostics = json_diagnostics(run)
    assert len(results) == len(diagnostics) == len(EXPECTED_FINDINGS)
    for sarif_result, diagnostic, (path, _, code) in zip(results, diagnostics, EXPECTED_FINDINGS):
        assert sarif_result["ruleId"] == code
        assert rules[sarif_result["ruleIndex"]]["id"] == code
        assert sarif_result["level"] == "error"
        assert sarif_result["message"]["text"] == diagnostic["message"]
        (location,) = sarif_result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": path, "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {
            "startLine": diagnostic["location"]["row"],
            "startColumn": diagnostic["location"]["column"],
            "endLine": diagnostic["end_location"]["row"],
            "endColumn": diagnostic["end_location"]["column"],
        }
    fixable = [result for result in results if result["ruleId"] == "WL201"]
    assert fixable and all(result["fixes"] for result in fixable)
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")


def test_sarif_of_a_clean_run_validates(
    run: Run, tmp_path: Path, sarif_validator: jsonschema.protocols.Validator
) -> None:
    write(tmp_path / "ok.py", CLEAN)
    log = sarif_log(run, sarif_validator)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_sarif_uris_are_encoded_and_forward_slashed(
    run: Run, tmp_path: Path, sarif_validator: jsonschema.protocols.Validator
) -> None:
    write(tmp_path / "sub dir" / "a#b.py", TIMEOUTS)
    log = sarif_log(run, sarif_validator, "--select", "WL203")
    (sarif_result,) = log["runs"][0]["results"]
    uri = sarif_result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "sub%20dir/a%23b.py"


# --- JUnit ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd"))


def junit_report(run: Run, schema: xmlschema.XMLSchema, *args: str) -> ElementTree.Element:
    result = run("check", "--output-format", "junit", *args)
    assert result.returncode in (0, 1), result.stderr
    schema.validate(result.stdout)
    return ElementTree.fromstring(result.stdout.encode("utf-8"))


MINIMAL_JUNIT = (
    '<testsuites tests="1" failures="1" errors="0">'
    '<testsuite name="a.py" tests="1" failures="1" errors="0" skipped="0" time="0">'
    '<testcase name="n" classname="a.py"><failure message="m" type="WL203">text</failure>'
    "</testcase></testsuite></testsuites>"
)

# Each breakage replaces the first text with the second in MINIMAL_JUNIT.
JUNIT_BREAKAGES = {
    "a failure without a type": (' type="WL203"', ""),
    "a suite without a name": (' name="a.py"', ""),
    "a count that is not a number": (
        '<testsuite name="a.py" tests="1"',
        '<testsuite name="a.py" tests="x"',
    ),
    "a case with two failures": ("</failure>", '</failure><failure message="m" type="t"/>'),
    "an unknown element": ("<failure", "<flaw/><failure"),
}


@pytest.mark.parametrize("breakage", JUNIT_BREAKAGES)
def test_the_junit_schema_rejects_broken_reports(
    junit_schema: xmlschema.XMLSchema, breakage: str
) -> None:
    """The schema is a real check: the minimal report passes, each broken copy fails."""
    assert junit_schema.is_valid(MINIMAL_JUNIT)
    old, new = JUNIT_BREAKAGES[breakage]
    assert old in MINIMAL_JUNIT
    assert not junit_schema.is_valid(MINIMAL_JUNIT.replace(old, new, 1))


def test_junit_validates_with_a_suite_per_file(
    run: Run, tmp_path: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    project(tmp_path)
    root = junit_report(run, junit_schema)
    assert root.tag == "testsuites"
    assert root.get("tests") == root.get("failures") == str(len(EXPECTED_FINDINGS))
    assert root.get("errors") == "0"
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["app.py", "broken.py", "pkg/client.py"]
    diagnostics = iter(json_diagnostics(run))
    for suite in suites:
        cases = suite.findall("testcase")
        assert suite.get("tests") == suite.get("failures") == str(len(cases))
        assert suite.get("errors") == suite.get("skipped") == "0"
        for case in cases:
            diagnostic = next(diagnostics)
            failure = case.find("failure")
            assert failure is not None
            assert failure.get("type") == diagnostic["code"]
            assert failure.get("message") == diagnostic["message"]
            row, column = diagnostic["location"]["row"], diagnostic["location"]["column"]
            assert failure.text == f"{suite.get('name')}:{row}:{column}: {diagnostic['message']}"
            assert case.get("classname") == suite.get("name")
            assert case.get("line") == str(row)


def test_junit_of_a_clean_run_is_one_passing_case(
    run: Run, tmp_path: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    write(tmp_path / "ok.py", CLEAN)
    root = junit_report(run, junit_schema)
    assert root.get("tests") == "1"
    assert root.get("failures") == "0"
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 1
    assert list(cases[0]) == []


def test_junit_escapes_markup_in_messages(
    run: Run, tmp_path: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    # The path ends up in attributes and text; the messages carry quotes and backticks.
    write(tmp_path / 'bad & <odd> "q".py', TIMEOUTS)
    root = junit_report(run, junit_schema)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == 'bad & <odd> "q".py'
    (failure, *_) = root.iter("failure")
    assert failure.text is not None and failure.text.startswith('bad & <odd> "q".py:6:20: ')
    messages = [failure.get("message") for failure in root.iter("failure")]
    assert messages == [item["message"] for item in json_diagnostics(run)]


# --- statistics -----------------------------------------------------------------


def test_statistics_count_per_code(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path / "twins.py", TWIN_CALLS)
    result = run("check", "--statistics")
    assert result.returncode == 1
    lines = report_lines(result.stdout)
    assert lines[-1] == "Found 9 errors (2 fixable, marked [*])."
    rows = [line.split() for line in lines[:-1]]
    assert rows == [
        ["4", "WL203", "[", "]", "missing-timeout"],
        ["2", "WL201", "[*]", "scalar-timeout"],
        ["2", "WL204", "[", "]", "timeout-disabled"],
        ["1", "WL001", "[", "]", "syntax-error"],
    ]
    # Counts are right-aligned in one column.
    assert len({line.index("WL") for line in lines[:-1]}) == 1


def test_statistics_as_json(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    result = run("check", "--statistics", "--output-format", "json")
    assert json.loads(result.stdout) == [
        {"code": "WL201", "name": "scalar-timeout", "count": 2, "fixable": True},
        {"code": "WL203", "name": "missing-timeout", "count": 2, "fixable": False},
        {"code": "WL204", "name": "timeout-disabled", "count": 2, "fixable": False},
        {"code": "WL001", "name": "syntax-error", "count": 1, "fixable": False},
    ]


def test_statistics_of_a_clean_run(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "ok.py", CLEAN)
    assert run("check", "--statistics").stdout == "All checks passed!\n"
    assert run("check", "--statistics", "--output-format", "json").stdout == "[]\n"


# --- colour ---------------------------------------------------------------------


COLOURED_FORMATS = ["concise", "full", "grouped"]


@pytest.mark.parametrize("output_format", COLOURED_FORMATS)
def test_no_colour_when_piped(run: Run, tmp_path: Path, output_format: str) -> None:
    project(tmp_path)
    assert ANSI_ESCAPE not in run("check", "--output-format", output_format).stdout


@pytest.mark.parametrize("output_format", COLOURED_FORMATS)
def test_force_color_colours_a_pipe(run: Run, tmp_path: Path, output_format: str) -> None:
    project(tmp_path)
    result = run("check", "--output-format", output_format, env={"FORCE_COLOR": "1"})
    assert ANSI_ESCAPE in result.stdout
    # Stripped of escapes, the text is what a pipe gets.
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert plain == run("check", "--output-format", output_format).stdout


def test_force_color_colours_statistics(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    result = run("check", "--statistics", env={"FORCE_COLOR": "1"})
    assert ANSI_ESCAPE in result.stdout


def test_no_color_beats_force_color(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    result = run("check", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ANSI_ESCAPE not in result.stdout
    assert "WL203" in result.stdout


def test_empty_force_color_does_not_colour(run: Run, tmp_path: Path) -> None:
    project(tmp_path)
    assert ANSI_ESCAPE not in run("check", env={"FORCE_COLOR": ""}).stdout


@pytest.mark.parametrize(
    "output_format", ["json", "json-lines", "github", "gitlab", "sarif", "junit", "pylint"]
)
def test_machine_formats_never_colour(run: Run, tmp_path: Path, output_format: str) -> None:
    project(tmp_path)
    result = run("check", "--output-format", output_format, env={"FORCE_COLOR": "1"})
    assert ANSI_ESCAPE not in result.stdout


def run_on_a_terminal(executable: str, cwd: Path, env: dict[str, str]) -> str:
    """Runs `wirelint check` with stdout on a pseudo-terminal and returns what it printed."""
    import pty

    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [executable, "check"],
            cwd=cwd,
            env=env,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=300,
            check=False,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # Linux reports the closed terminal as EIO.
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.returncode == 1, process.stderr
        return b"".join(chunks).decode("utf-8")
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_terminal_gets_colour_unless_no_color(wirelint_executable: str, tmp_path: Path) -> None:
    project(tmp_path)
    coloured = run_on_a_terminal(wirelint_executable, tmp_path, wirelint_environment())
    assert ANSI_ESCAPE in coloured
    plain = run_on_a_terminal(wirelint_executable, tmp_path, wirelint_environment(NO_COLOR="1"))
    assert ANSI_ESCAPE not in plain
    assert "WL203" in plain
