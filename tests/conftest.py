"""Fixtures shared by the test modules: the installed `wirelint` script and a way to run it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from helpers import (
    Distributions,
    Run,
    create_virtualenv,
    run_or_fail,
    rustless_environment,
    wirelint_environment,
)
from lsp_session import Session, StartSession, start


@pytest.fixture(scope="session")
def wirelint_executable() -> str:
    """The `wirelint` console script on PATH; the run fails (never skips) without it."""
    executable = shutil.which("wirelint")
    if executable is None:
        pytest.fail(
            "the `wirelint` console script is not on PATH; install the package "
            "(e.g. `maturin develop` or `pip install .`) or put `target/debug` on PATH "
            "before running these tests",
            pytrace=False,
        )
    return executable


@pytest.fixture
def run(wirelint_executable: str, tmp_path: Path) -> Run:
    """Runs `wirelint ARGS...` in `tmp_path` (or `cwd=`), feeding it `stdin=` (nothing by
    default), in the test's environment minus the variables wirelint reads, plus `env=`."""

    def run_wirelint(
        *args: str | Path,
        cwd: Path | None = None,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [wirelint_executable, *(str(arg) for arg in args)],
            cwd=cwd if cwd is not None else tmp_path,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=wirelint_environment(**(env or {})),
            timeout=300,
            check=False,
        )

    return run_wirelint


@pytest.fixture(scope="session")
def distributions() -> Distributions:
    """The wheel and sdist in `$WIRELINT_DIST_DIR` (`.ci/run` builds them there); the run fails
    (never skips) without them."""
    directory = os.environ.get("WIRELINT_DIST_DIR")
    if not directory:
        pytest.fail(
            "WIRELINT_DIST_DIR is not set: build the release wheel and the sdist as .ci/run does "
            "(`maturin build --release --zig --compatibility manylinux2014 --out DIR` and "
            "`maturin sdist --out DIR`) and set WIRELINT_DIST_DIR=DIR",
            pytrace=False,
        )
    wheels = sorted(Path(directory).glob("wirelint-*.whl"))
    sdists = sorted(Path(directory).glob("wirelint-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        pytest.fail(
            f"WIRELINT_DIST_DIR={directory} must hold exactly one wirelint wheel and one sdist; "
            f"it holds {[path.name for path in [*wheels, *sdists]]}",
            pytrace=False,
        )
    return Distributions(wheel=wheels[0], sdist=sdists[0])


@pytest.fixture(scope="session")
def wheel_scripts(distributions: Distributions, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scripts directory of a new virtualenv holding only the release wheel, installed
    with no Rust program on PATH and no package index."""
    scripts = create_virtualenv(tmp_path_factory.mktemp("wheel-venv") / "venv")
    run_or_fail(
        [
            scripts / "python",
            "-m",
            "pip",
            "install",
            "--no-index",
            "--no-deps",
            distributions.wheel,
        ],
        env=rustless_environment(scripts),
    )
    return scripts


@pytest_asyncio.fixture
async def start_session(wirelint_executable: str) -> AsyncIterator[StartSession]:
    """Starts `wirelint server` (or `command=`) sessions with a real LSP client (see
    lsp_session.py); each still running at the end is shut down properly."""
    sessions: list[Session] = []

    async def start_one(command: list[str] | None = None, **options: Any) -> Session:
        session = await start(command or [wirelint_executable, "server"], **options)
        sessions.append(session)
        return session

    yield start_one
    for session in sessions:
        if session.process.returncode is None:
            await session.close()
