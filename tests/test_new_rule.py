"""The rule scaffold, proven on a copy of the repository: adding a rule touches three files
(the rule file, its registration line in the family's `mod.rs`, its fixture), and once the
check is written the registry, `wirelint rule`, SARIF rule metadata, the documentation test,
the README table and the fixture snapshot follow with nothing else edited."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
RULE_FILE = Path("crates/wirelint_linter/src/rules/lifecycle/forbidden_call.rs")
MOD_RS = Path("crates/wirelint_linter/src/rules/lifecycle/mod.rs")
FIXTURE = Path("crates/wirelint_linter/resources/fixtures/lifecycle/WL199.py")

# What a contributor writes into the scaffold: a check that flags `forbidden()`.
CHECK = """\
fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if call
        .func
        .as_name_expr()
        .is_some_and(|name| name.id.as_str() == "forbidden")
    {
        let message = "`forbidden()` is forbidden".to_string();
        let range = ruff_text_size::Ranged::range(call);
        let rule = crate::registry::Rule::ForbiddenCall;
        let diagnostic = checker.locator.diagnostic(rule, message, range);
        checker.report(diagnostic);
    }
}
"""

FIXTURE_CASES = '''\
"""WL199 forbidden-call (preview): calls of `forbidden`."""
import httpx


def must_fire(client: httpx.Client):
    forbidden()  # error: [WL199]


def must_not_fire(client: httpx.Client):
    allowed()  # ok
'''


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPOSITORY, capture_output=True, check=True
    ).stdout
    return [Path(name) for name in listed.decode().split("\0") if name]


def copy_repository(target: Path) -> dict[Path, bytes]:
    """Copies the tracked files to `target`; returns their contents."""
    contents = {}
    for relative in tracked_files():
        source = REPOSITORY / relative
        if not source.is_file():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        contents[relative] = source.read_bytes()
    return contents


def files_under(root: Path) -> set[Path]:
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file()}


def cargo(copy: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs cargo in the copy, sharing the repository's build directory so dependencies are
    not built again."""
    environment = {**os.environ, "CARGO_TARGET_DIR": str(REPOSITORY / "target"), **env}
    for name in ("WIRELINT_UPDATE_SNAPSHOTS", "WIRELINT_UPDATE_README", "WIRELINT_UPDATE_DOCS"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        ["cargo", *args],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def test_adding_a_rule_touches_three_files_and_everything_else_follows(tmp_path: Path) -> None:
    copy = tmp_path / "repository"
    before = copy_repository(copy)
    scaffolded = subprocess.run(
        [sys.executable, "scripts/new_rule.py", "WL199", "forbidden-call", "lifecycle"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert scaffolded.returncode == 0, scaffolded.stderr

    # Three files: two new, one line added to the family's mod.rs.
    after = files_under(copy)
    assert after - set(before) == {RULE_FILE, FIXTURE}
    changed = {path for path in before if (copy / path).read_bytes() != before[path]}
    assert changed == {MOD_RS}
    old_lines = before[MOD_RS].decode().splitlines()
    new_lines = (copy / MOD_RS).read_text().splitlines()
    assert [line for line in new_lines if line not in old_lines] == [
        "pub(crate) mod forbidden_call;"
    ]
    assert len(new_lines) == len(old_lines) + 1

    # The skeleton compiles as it is.
    checked = cargo(copy, "check", "-p", "wirelint_linter", "--offline", "--locked")
    assert checked.returncode == 0, checked.stderr[-4000:]

    # A contributor writes the check and the fixture's cases ...
    rule_source = (copy / RULE_FILE).read_text()
    skeleton_start = rule_source.index("/// Called for every call")
    (copy / RULE_FILE).write_text(rule_source[:skeleton_start] + CHECK)
    (copy / FIXTURE).write_text(FIXTURE_CASES)

    # ... records the snapshot, the README table and the documentation pages with the
    # documented commands ...
    recorded = cargo(
        copy,
        "test",
        "-p",
        "wirelint_linter",
        "--offline",
        "--locked",
        WIRELINT_UPDATE_SNAPSHOTS="1",
        WIRELINT_UPDATE_README="1",
        WIRELINT_UPDATE_DOCS="1",
    )
    assert recorded.returncode == 0, recorded.stdout[-4000:] + recorded.stderr[-4000:]
    snapshot = (copy / FIXTURE.with_suffix(".py.snap")).read_text()
    assert "WL199 6:5-6:16 `forbidden()` is forbidden" in snapshot
    readme = (copy / "README.md").read_text()
    assert (
        "| [WL199](docs/rules/WL199.md) | forbidden-call | preview "
        "| TODO: what it flags, in one line. |"
    ) in readme
    page = (copy / "docs/rules/WL199.md").read_text()
    assert "# forbidden-call (WL199)" in page
    policy = (copy / "docs/policy.md").read_text()
    construction = policy.split("\n## Client Construction\n", 1)[1].split("\n## ", 1)[0]
    assert "- [WL199](rules/WL199.md) `forbidden-call`" in construction

    # ... and the whole linter test suite (registry, documentation shape, fixtures) passes.
    tested = cargo(copy, "test", "-p", "wirelint_linter", "--offline", "--locked")
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-4000:]

    # The CLI knows the rule: its documentation and its SARIF metadata.
    documented = cargo(
        copy, "run", "-q", "-p", "wirelint_cli", "--offline", "--locked", "--", "rule", "WL199"
    )
    assert documented.returncode == 0, documented.stderr[-4000:]
    assert documented.stdout.startswith("# forbidden-call (WL199)")
    sarif = cargo(
        copy,
        "run",
        "-q",
        "-p",
        "wirelint_cli",
        "--offline",
        "--locked",
        "--",
        "check",
        "--preview",
        "--select",
        "WL199",
        "--output-format",
        "sarif",
        "--exit-zero",
        "--isolated",
        str(FIXTURE),
    )
    assert sarif.returncode == 0, sarif.stderr[-4000:]
    run = json.loads(sarif.stdout)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["WL199"]["name"] == "forbidden-call"
    assert [result["ruleId"] for result in run["results"]] == ["WL199"]


def test_the_scaffold_refuses_a_taken_code_or_a_foreign_prefix(tmp_path: Path) -> None:
    copy = tmp_path / "repository"
    copy_repository(copy)
    for arguments, complaint in [
        (["WL203", "another-name", "timeouts"], "already exists"),
        (["WL299", "missing-timeout", "timeouts"], "already exists"),
        (["WL310", "retry-name", "timeouts"], "timeouts codes start with WL2"),
        (["WL310", "Retry_Name", "retries"], "not a kebab-case rule name"),
        (["WL310", "retry-name", "nowhere"], "unknown family"),
    ]:
        refused = subprocess.run(
            [sys.executable, "scripts/new_rule.py", *arguments],
            cwd=copy,
            capture_output=True,
            text=True,
            check=False,
        )
        assert refused.returncode == 2, arguments
        assert complaint in refused.stderr, refused.stderr
    assert not (copy / "crates/wirelint_linter/src/rules/retries/retry_name.rs").exists()
