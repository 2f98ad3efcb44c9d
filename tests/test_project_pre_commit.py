"""The project's own `.pre-commit-config.yaml`, run by pre-commit itself on a copy of the
repository: it passes on the project as it is, catches a violation of each kind, and its
wirelint hook is the one this repository ships."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pre_commit.clientlib import load_config, load_manifest

from helpers import write

REPOSITORY = Path(__file__).resolve().parent.parent
CONFIG = REPOSITORY / ".pre-commit-config.yaml"

# A hook's line in pre-commit's report: `cargo fmt.........Passed`.
HOOK_LINE = re.compile(r"^(?P<name>[^.\n]+?)\.{3,}(?P<verdict>Passed|Failed|Skipped)$", re.M)


def local_hooks() -> dict[str, dict[str, object]]:
    config = load_config(str(CONFIG))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_the_wirelint_hook_is_the_shipped_one() -> None:
    manifest = load_manifest(str(REPOSITORY / ".pre-commit-hooks.yaml"))
    shipped = {hook["id"]: hook for hook in manifest}
    ours = local_hooks()
    assert set(ours) == {"wirelint", "ruff-check", "ruff-format", "cargo-fmt"}
    assert ours["wirelint"]["entry"] == shipped["wirelint"]["entry"]
    assert ours["wirelint"]["types_or"] == shipped["wirelint"]["types_or"]


def copy_repository(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPOSITORY, capture_output=True, check=True
    ).stdout
    for name in listed.decode().split("\0"):
        source = REPOSITORY / name
        if name and source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def pre_commit(repository: Path, home: Path) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "add", "-A"], cwd=repository, check=True, capture_output=True)
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    environment.pop("WIRELINT_CACHE_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repository,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def hook_results(output: str) -> dict[str, str]:
    """Each hook's name and its verdict (`Passed`, `Failed`, ...) from pre-commit's output."""
    return {match["name"]: match["verdict"] for match in HOOK_LINE.finditer(output)}


def test_pre_commit_passes_on_the_project_and_catches_each_kind_of_violation(
    tmp_path: Path,
) -> None:
    repository = tmp_path / "repository"
    copy_repository(repository)
    subprocess.run(["git", "init", "-q"], cwd=repository, check=True)
    home = tmp_path / "pre-commit-home"

    clean = pre_commit(repository, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert hook_results(clean.stdout) == {
        "wirelint": "Passed",
        "ruff check": "Passed",
        "ruff format": "Passed",
        "cargo fmt": "Passed",
    }

    write(
        repository / "python/wirelint/_violation.py",
        "import requests\n\n\ndef fetch(url: str) -> object:\n    return requests.get(url)\n",
    )
    write(repository / "scripts/untidy.py", "import os\nx = ( 1 )\n")
    lib = repository / "crates/wirelint_linter/src/lib.rs"
    lib.write_text(lib.read_text() + "fn   badly_formatted( ){}\n")
    broken = pre_commit(repository, home)
    assert broken.returncode == 1
    results = hook_results(broken.stdout)
    assert results == {
        "wirelint": "Failed",
        "ruff check": "Failed",
        "ruff format": "Failed",
        "cargo fmt": "Failed",
    }, broken.stdout
    assert "python/wirelint/_violation.py:5:12: WL203" in broken.stdout
