"""End-to-end tests of the result cache (`.wirelint_cache`, `--no-cache`, `cache-dir`)."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pytest

from helpers import Run, cache_entries, write

CACHE_TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"

# WL201 on line 3, WL203 on line 4.
TIMEOUTS = """\
import httpx
import requests
httpx.get(url, timeout=5)
requests.get(url)
"""
CLEAN = "def add(a: int, b: int) -> int:\n    return a + b\n"
SYNTAX_ERROR = "def broken(:\n    pass\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a finding in `a.py`, none in `b.py` and a syntax error in `c.py`."""
    root = tmp_path / "project"
    write(root / "pkg" / "a.py", TIMEOUTS)
    write(root / "pkg" / "b.py", CLEAN)
    write(root / "pkg" / "c.py", SYNTAX_ERROR)
    return root


@pytest.fixture
def run(run: Run, project: Path) -> Run:
    """The shared `run`, but in the project (or `cwd=`) rather than in `tmp_path`."""
    return functools.partial(run, cwd=project)


def outcome(result: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return result.returncode, result.stdout, result.stderr


def git_status(project: Path) -> str:
    """What `git status` lists in `project`, untracked files one by one."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_cache_directory_is_tagged_and_git_ignored(run: Run, project: Path) -> None:
    result = run("check")
    assert result.returncode == 1, result.stderr
    cache = project / ".wirelint_cache"
    tag = (cache / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.splitlines()[0] == CACHE_TAG_SIGNATURE
    gitignore = (cache / ".gitignore").read_text(encoding="utf-8")
    assert "*" in gitignore.splitlines()
    assert len(cache_entries(cache)) == 3, "one entry per checked file"


def test_git_sees_nothing_of_the_cache(run: Run, project: Path) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert run("check").returncode == 1
    status = git_status(project)
    assert "wirelint_cache" not in status
    assert "pkg/a.py" in status


@pytest.mark.parametrize("output_format", ["concise", "json", "full"])
def test_a_warm_run_replays_the_same_output(run: Run, project: Path, output_format: str) -> None:
    args = ("check", "--output-format", output_format)
    reference = outcome(run(*args, "--no-cache"))
    assert reference[0] == 1
    cold = outcome(run(*args))
    cache = project / ".wirelint_cache"
    stored = cache_entries(cache)
    warm = outcome(run(*args))
    assert cold == reference
    assert warm == reference
    assert cache_entries(cache) == stored, "a warm run rewrites no entry"


def test_editing_one_file_changes_only_its_results(run: Run, project: Path) -> None:
    before = run("check")
    cache = project / ".wirelint_cache"
    stored = cache_entries(cache)
    write(project / "pkg" / "b.py", CLEAN + "import requests\nrequests.get(url)\n")
    after = run("check")
    assert after.returncode == 1
    findings_before = {line for line in before.stdout.splitlines() if line.startswith("pkg/")}
    findings_after = {line for line in after.stdout.splitlines() if line.startswith("pkg/")}
    assert findings_before < findings_after, "the other files' findings are unchanged"
    added = findings_after - findings_before
    assert len(added) == 1
    assert added.pop().startswith("pkg/b.py:4:1: WL203 "), after.stdout
    rewritten = {name for name, inode in cache_entries(cache).items() if stored.get(name) != inode}
    assert len(rewritten) == 1, "only the edited file's entry is rewritten"
    assert cache_entries(cache).keys() == stored.keys()
    assert outcome(run("check")) == outcome(run("check", "--no-cache"))


def test_settings_are_part_of_the_key(run: Run, project: Path) -> None:
    assert "WL203" in run("check").stdout
    narrowed = run("check", "--ignore", "WL203")
    assert "WL203" not in narrowed.stdout
    assert "WL201" in narrowed.stdout
    write(project / "wirelint.toml", '[per-file-ignores]\n"a.py" = ["WL201"]\n')
    configured = run("check")
    assert "WL201" not in configured.stdout
    assert "WL203" in configured.stdout
    (project / "wirelint.toml").unlink()
    assert outcome(run("check")) == outcome(run("check", "--no-cache"))


def test_no_cache_writes_nothing(run: Run, project: Path) -> None:
    result = run("check", "--no-cache")
    assert result.returncode == 1
    assert not (project / ".wirelint_cache").exists()
    assert sorted(path.name for path in project.iterdir()) == ["pkg"]


def test_standard_input_is_not_cached(run: Run, project: Path) -> None:
    result = run("check", "-", "--stdin-filename", "pkg/a.py", stdin=TIMEOUTS)
    assert result.returncode == 1, result.stderr
    assert not (project / ".wirelint_cache").exists()


def test_the_environment_variable_moves_the_cache(run: Run, project: Path, tmp_path: Path) -> None:
    result = run("check", env={"WIRELINT_CACHE_DIR": str(tmp_path / "elsewhere")})
    assert result.returncode == 1
    assert not (project / ".wirelint_cache").exists()
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").is_file()
    assert len(cache_entries(tmp_path / "elsewhere")) == 3
    # Relative to the current directory.
    run("check", env={"WIRELINT_CACHE_DIR": "relative-cache"})
    assert len(cache_entries(project / "relative-cache")) == 3


def test_cache_dir_is_configurable_and_the_variable_wins(
    run: Run, project: Path, tmp_path: Path
) -> None:
    write(project / "pyproject.toml", '[tool.wirelint]\ncache-dir = "build/wirelint"\n')
    assert run("check").returncode == 1
    assert len(cache_entries(project / "build" / "wirelint")) == 3
    assert not (project / ".wirelint_cache").exists()
    run("check", env={"WIRELINT_CACHE_DIR": str(tmp_path / "from-env")})
    assert len(cache_entries(tmp_path / "from-env")) == 3


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how == "flipped":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 0x01]))
    elif how == "directory":
        path.unlink()
        (path / "inner").mkdir(parents=True)
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how", ["empty", "truncated", "garbage", "flipped", "directory"])
def test_a_damaged_cache_still_gives_the_right_answer(run: Run, project: Path, how: str) -> None:
    reference = outcome(run("check", "--no-cache", "--output-format", "json"))
    assert reference[0] == 1
    assert run("check").returncode == 1
    cache = project / ".wirelint_cache"
    damaged = list(cache_entries(cache))
    assert len(damaged) == 3
    for name in damaged:
        damage(cache / name, how)
    after = outcome(run("check", "--output-format", "json"))
    assert after[0] == reference[0]
    assert after[1] == reference[1]
    if how == "directory":
        # An entry that cannot be replaced is warned about, never fatal.
        assert "warning: could not write 3 cache entries" in after[2], after[2]
        return
    assert after[2] == reference[2]
    rebuilt = cache_entries(cache)
    assert len(rebuilt) == 3
    # The rebuilt entries are good: the next run uses them as they are.
    assert outcome(run("check", "--output-format", "json")) == reference
    assert cache_entries(cache) == rebuilt


def test_a_cache_that_cannot_be_created_is_warned_about(
    run: Run, project: Path, tmp_path: Path
) -> None:
    blocker = write(tmp_path / "not-a-directory", "")
    result = run("check", env={"WIRELINT_CACHE_DIR": str(blocker / "cache")})
    assert result.returncode == 1
    assert "warning: cannot use the cache directory" in result.stderr
    assert "checking without a cache" in result.stderr
    assert outcome(run("check", "--no-cache"))[1] == result.stdout


def test_add_noqa_does_not_use_the_cache(run: Run, project: Path) -> None:
    result = run("check", "--add-noqa")
    assert result.returncode == 0, result.stderr
    assert not (project / ".wirelint_cache").exists()


@pytest.mark.parametrize("cache_dir", [".", "", "pkg/.."])
def test_a_cache_dir_that_is_the_project_root_is_refused(
    run: Run, project: Path, cache_dir: str
) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    write(project / "pyproject.toml", f'[tool.wirelint]\ncache-dir = "{cache_dir}"\n')
    result = run("check")
    assert result.returncode == 1
    assert "warning: cannot use the cache directory" in result.stderr
    assert "would hide the project from git and from backups" in result.stderr
    assert not (project / ".gitignore").exists()
    assert not (project / "CACHEDIR.TAG").exists()
    assert "pkg/a.py" in git_status(project), "git still sees the project"
    assert outcome(run("check", "--no-cache"))[1] == result.stdout


def test_an_existing_directory_that_is_not_a_cache_is_left_alone(
    run: Run, project: Path, tmp_path: Path
) -> None:
    documents = write(tmp_path / "documents" / "notes.txt", "mine\n").parent
    for cache_dir in (documents, tmp_path):
        result = run("check", env={"WIRELINT_CACHE_DIR": str(cache_dir)})
        assert result.returncode == 1
        assert "warning: cannot use the cache directory" in result.stderr
    assert sorted(path.name for path in documents.iterdir()) == ["notes.txt"]
    assert not (tmp_path / "CACHEDIR.TAG").exists()
    # A new directory, anywhere, is made a cache and reused.
    elsewhere = tmp_path / "caches" / "wirelint"
    assert run("check", env={"WIRELINT_CACHE_DIR": str(elsewhere)}).stderr == ""
    assert run("check", env={"WIRELINT_CACHE_DIR": str(elsewhere)}).stderr == ""
    assert len(cache_entries(elsewhere)) == 3


def test_a_link_planted_in_the_cache_is_not_written_through(
    run: Run, project: Path, tmp_path: Path
) -> None:
    assert run("check").returncode == 1
    cache = project / ".wirelint_cache"
    outside = tmp_path / "outside"
    outside.mkdir()
    for shard in (cache / "v1").iterdir():
        for entry in shard.iterdir():
            entry.unlink()
        shard.rmdir()
        shard.symlink_to(outside, target_is_directory=True)
    result = run("check")
    assert result.returncode == 1
    assert list(outside.iterdir()) == [], "nothing was written outside the cache"
    assert "could not write 3 cache entries" in result.stderr
