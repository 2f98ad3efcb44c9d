"""The hooks of `.pre-commit-hooks.yaml`, run on staged files the way pre-commit runs them."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from identify.identify import tags_from_path
from pre_commit.clientlib import load_manifest

from helpers import CONCISE_LINE, Run, write

MANIFEST = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"

# WL203 on line 4: no fix.
MISSING_TIMEOUT = """\
import requests


requests.get("https://example.com")
"""

# WL201 on line 5: a safe fix turns the number into an `httpx.Timeout`.
SCALAR_TIMEOUT = """\
import httpx


def fetch(url: str) -> httpx.Response:
    return httpx.get(url, timeout=5)
"""
SCALAR_TIMEOUT_FIXED = """\
import httpx


def fetch(url: str) -> httpx.Response:
    return httpx.get(url, timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))
"""

CLEAN = """\
def add(a: int, b: int) -> int:
    return a + b
"""

# A staged project: one finding in `app.py`, the same finding in a default-excluded directory
# (`build`) and in an `extend-exclude`d one (`generated`), and files the hooks' types leave out
# (wirelint would report WL001 on them if pre-commit passed them).
PROJECT = {
    "pyproject.toml": '[tool.wirelint]\nextend-exclude = ["generated"]\n',
    "README.md": "# Demo\n\nRun `python app.py`.\n",
    "app.py": MISSING_TIMEOUT,
    "clean.py": CLEAN,
    "stubs/api.pyi": "def fetch(url: str) -> bytes: ...\n",
    "build/lib/app.py": MISSING_TIMEOUT,
    "generated/client.py": MISSING_TIMEOUT,
}
EXCLUDED = ("build/lib/app.py", "generated/client.py")


def hook(hook_id: str) -> dict[str, Any]:
    """The hook `hook_id` as pre-commit's own loader reads it, with pre-commit's defaults."""
    hooks = {entry["id"]: entry for entry in load_manifest(str(MANIFEST))}
    return hooks[hook_id]


def git(repository: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=repository,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )


def staged_repository(root: Path, files: dict[str, str]) -> Path:
    """A new git repository in `root` holding `files`, every one staged."""
    git(root, "-c", "init.defaultBranch=main", "init", "--quiet")
    for name, content in files.items():
        write(root / name, content)
    git(root, "add", "--all")
    return root


def files_for_hook(repository: Path, selected_hook: dict[str, Any]) -> list[str]:
    """The staged files pre-commit hands to the hook: its `files` / `exclude` patterns and its
    `types` (all of them), `types_or` (any of them) and `exclude_types` (none of them)."""
    staged = git(repository, "diff", "--staged", "--name-only", "-z").stdout.split("\0")
    include = re.compile(selected_hook["files"])
    exclude = re.compile(selected_hook["exclude"])
    every_type = set(selected_hook["types"])
    any_type = set(selected_hook["types_or"])
    no_type = set(selected_hook["exclude_types"])
    chosen = []
    for name in filter(None, staged):
        tags = tags_from_path(str(repository / name))
        if (
            include.search(name)
            and not exclude.search(name)
            and every_type <= tags
            and (not any_type or tags & any_type)
            and not tags & no_type
        ):
            chosen.append(name)
    return sorted(chosen)


def run_hook(
    run: Run, repository: Path, selected_hook: dict[str, Any], files: list[str]
) -> subprocess.CompletedProcess[str]:
    """Runs `entry + args + files` in the repository's root, as pre-commit does."""
    command = [*shlex.split(selected_hook["entry"]), *selected_hook["args"], *files]
    assert command[0] == "wirelint", command
    return run(*command[1:], cwd=repository)


def findings(stdout: str) -> list[tuple[str, str]]:
    """(path, code) of every concise diagnostic line, in output order."""
    found = []
    for line in stdout.splitlines():
        match = CONCISE_LINE.match(line)
        if match:
            found.append((match["path"].replace(os.sep, "/"), match["code"]))
    return found


# --- the manifest ------------------------------------------------------------------------------


def test_pre_commit_validates_the_manifest(tmp_path: Path) -> None:
    def validate(manifest: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-manifest", str(manifest)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    result = validate(MANIFEST)
    assert result.returncode == 0, result.stdout + result.stderr
    # The validator does reject a broken manifest: the same one with a misspelt language.
    broken = write(
        tmp_path / "broken.yaml",
        MANIFEST.read_text(encoding="utf-8").replace("language: python", "language: pyhton"),
    )
    assert validate(broken).returncode != 0


@pytest.mark.parametrize(
    ("hook_id", "entry"),
    [
        ("wirelint", "wirelint check --force-exclude"),
        ("wirelint-fix", "wirelint check --force-exclude --fix"),
    ],
)
def test_hook_definition(hook_id: str, entry: str) -> None:
    selected_hook = hook(hook_id)
    assert selected_hook["entry"] == entry
    assert selected_hook["language"] == "python"
    assert selected_hook["types_or"] == ["python", "pyi"]
    assert selected_hook["args"] == []
    assert selected_hook["pass_filenames"] is True
    assert selected_hook["require_serial"] is True


# --- the check hook ----------------------------------------------------------------------------


def test_check_hook_fails_on_findings_and_skips_excluded_files(run: Run, tmp_path: Path) -> None:
    repository = staged_repository(tmp_path, PROJECT)
    check_hook = hook("wirelint")
    files = files_for_hook(repository, check_hook)
    # pre-commit passes the excluded files too (but not README.md or pyproject.toml) ...
    assert files == [
        "app.py",
        "build/lib/app.py",
        "clean.py",
        "generated/client.py",
        "stubs/api.pyi",
    ]
    result = run_hook(run, repository, check_hook, files)
    # ... and `--force-exclude` keeps them out.
    assert result.returncode == 1, result.stderr
    assert findings(result.stdout) == [("app.py", "WL203")]

    # Without `--force-exclude`, the same file list reports the excluded files as well.
    without_flag = dict(check_hook, entry="wirelint check")
    reported = findings(run_hook(run, repository, without_flag, files).stdout)
    assert sorted(reported) == [
        ("app.py", "WL203"),
        ("build/lib/app.py", "WL203"),
        ("generated/client.py", "WL203"),
    ]

    # The run leaves nothing untracked behind (the cache ignores itself).
    status = git(repository, "status", "--porcelain", "--untracked-files=all").stdout
    assert [line for line in status.splitlines() if line.startswith("??")] == []


def test_check_hook_passes_on_clean_files(run: Run, tmp_path: Path) -> None:
    project = {name: content for name, content in PROJECT.items() if name != "app.py"}
    repository = staged_repository(tmp_path, project)
    check_hook = hook("wirelint")
    result = run_hook(run, repository, check_hook, files_for_hook(repository, check_hook))
    assert result.returncode == 0, result.stdout + result.stderr
    assert findings(result.stdout) == []


def test_check_hook_passes_when_only_excluded_files_are_staged(run: Run, tmp_path: Path) -> None:
    repository = staged_repository(
        tmp_path,
        {name: PROJECT[name] for name in ("pyproject.toml", *EXCLUDED)},
    )
    check_hook = hook("wirelint")
    files = files_for_hook(repository, check_hook)
    assert files == list(EXCLUDED)
    result = run_hook(run, repository, check_hook, files)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the fix hook ------------------------------------------------------------------------------


def test_fix_hook_rewrites_fixable_files_and_fails_on_the_rest(run: Run, tmp_path: Path) -> None:
    repository = staged_repository(
        tmp_path,
        {
            "pyproject.toml": PROJECT["pyproject.toml"],
            "scalar.py": SCALAR_TIMEOUT,
            "generated/scalar.py": SCALAR_TIMEOUT,
        },
    )
    fix_hook = hook("wirelint-fix")
    result = run_hook(run, repository, fix_hook, files_for_hook(repository, fix_hook))
    # Everything left is fixed, so wirelint itself exits 0; pre-commit fails the hook because
    # the work tree now differs from the index.
    assert result.returncode == 0, result.stdout + result.stderr
    assert (repository / "scalar.py").read_text(encoding="utf-8") == SCALAR_TIMEOUT_FIXED
    assert git(repository, "diff", "--name-only").stdout.split() == ["scalar.py"]
    # The excluded file is left alone.
    assert (repository / "generated/scalar.py").read_text(encoding="utf-8") == SCALAR_TIMEOUT

    # A finding with no fix still fails the hook.
    write(repository / "app.py", MISSING_TIMEOUT)
    git(repository, "add", "--all")
    result = run_hook(run, repository, fix_hook, files_for_hook(repository, fix_hook))
    assert result.returncode == 1, result.stderr
    assert findings(result.stdout) == [("app.py", "WL203")]
