"""Plain helpers shared by the test modules (the fixtures themselves live in conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

# A diagnostic line of the `concise` output format: `path:row:column: CODE message`.
CONCISE_LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<column>\d+): (?P<code>WL\d{3}) ")

# A line of the next steps under the summary of the text formats ("Run with `--fix` ...").
NEXT_STEP_PREFIX = "Run "

# The file name of one cache entry.
CACHE_ENTRY_NAME = re.compile(r"^[0-9a-f]{30}$")

# The Python buffer the real-editor tests (Neovim, Emacs) open: WL201 on line 5, after a tab,
# non-ASCII text and an emoji (so the editor's position conversion is tested), and WL203 on
# line 6.
EDITOR_TEST_SOURCE = (
    "import requests\n"
    "\n"
    "\n"
    "if True:\n"
    "\tnote = 'café 😀'; requests.get(url, timeout=5)\n"
    "requests.get(url)\n"
)

# Variables a wirelint run must not inherit from the test process: the colour switches, and
# every `WIRELINT_` setting (such as `WIRELINT_CACHE_DIR`) by its prefix.
COLOUR_VARIABLES = ("NO_COLOR", "FORCE_COLOR")
WIRELINT_VARIABLE_PREFIX = "WIRELINT_"


class Run(Protocol):
    """The `run` fixture: runs `wirelint ARGS...` and returns the finished process."""

    def __call__(
        self,
        *args: str | Path,
        cwd: Path | None = None,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]: ...


def wirelint_environment(**overrides: str) -> dict[str, str]:
    """The test process's environment without the variables wirelint reads, plus `overrides`."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in COLOUR_VARIABLES and not name.startswith(WIRELINT_VARIABLE_PREFIX)
    }
    environment.update(overrides)
    return environment


def report_lines(stdout: str) -> list[str]:
    """The lines of a text-format report without the next steps that follow its summary, so
    that the summary is the last line."""
    lines = stdout.splitlines()
    while lines and lines[-1].startswith(NEXT_STEP_PREFIX):
        lines.pop()
    return lines


def run_or_fail(
    command: list[str | Path], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs `command` (five minutes at most) and returns it; when it exits non-zero, fails the
    test with the command, its exit code and everything it printed, so a failure far from
    this machine can be diagnosed from the report alone."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(str(part) for part in command)} exited {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}",
            pytrace=False,
        )
    return result


def git(repository: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`git ARGS...` run in `repository`; fails the test when git fails."""
    return run_or_fail(["git", *args], cwd=repository)


def write(path: Path, content: str | bytes) -> Path:
    """Writes `content` to `path` exactly as given (no newline translation), making parents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def cache_entries(cache: Path) -> dict[str, int]:
    """Each cache entry's path (relative to the cache) and inode: a rewrite is a new inode."""
    return {
        str(path.relative_to(cache)): path.stat().st_ino
        for path in sorted(cache.rglob("*"))
        if path.is_file() and CACHE_ENTRY_NAME.match(path.name)
    }


# --- packaging: the built distributions and virtualenvs without Rust ---------------------------

# The repository checkout the tests run from.
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Distributions:
    """The release wheel and the sdist under test (the `distributions` fixture)."""

    wheel: Path
    sdist: Path


def project_version() -> str:
    """The version every part of the project carries: the Cargo workspace's."""
    import tomllib  # Python 3.11+, like the test suite (the package itself supports 3.9).

    with open(REPOSITORY_ROOT / "Cargo.toml", "rb") as manifest:
        version = tomllib.load(manifest)["workspace"]["package"]["version"]
    assert isinstance(version, str)
    return version


# Programs whose presence on PATH would mean Rust is available.
RUST_PROGRAMS = ("cargo", "rustc", "rustup")


def rustless_path(*first: Path) -> str:
    """PATH with `first` in front and without every directory that holds a Rust program."""
    entries = [
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry
        and not any(os.access(os.path.join(entry, name), os.X_OK) for name in RUST_PROGRAMS)
    ]
    return os.pathsep.join([*(str(directory) for directory in first), *entries])


def rustless_environment(*first: Path, **overrides: str) -> dict[str, str]:
    """`wirelint_environment()` with `rustless_path(*first)` as PATH and no Rust, virtualenv
    or Python path variables, plus `overrides`."""
    environment = {
        name: value
        for name, value in wirelint_environment().items()
        if not name.startswith(("CARGO", "RUSTUP", "RUSTC", "MATURIN"))
        and name not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    }
    environment["PATH"] = rustless_path(*first)
    environment.update(overrides)
    return environment


def create_virtualenv(directory: Path) -> Path:
    """A new virtualenv (with pip) in `directory`; returns its scripts directory."""
    run_or_fail([sys.executable, "-m", "venv", str(directory)])
    return directory / ("Scripts" if os.name == "nt" else "bin")
