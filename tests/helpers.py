"""Plain helpers shared by the test modules (the fixtures themselves live in conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Protocol

# A diagnostic line of the `concise` output format: `path:row:column: CODE message`.
CONCISE_LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<column>\d+): (?P<code>WL\d{3}) ")

# The file name of one cache entry.
CACHE_ENTRY_NAME = re.compile(r"^[0-9a-f]{30}$")

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
