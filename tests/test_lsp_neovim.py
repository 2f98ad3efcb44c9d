"""A real editor: headless Neovim (Debian's `neovim` package, 0.7 or later; `.ci/run` installs
it) runs `wirelint server` for a Python buffer with the minimal configuration in
`editors/neovim/init.lua`, applies the quick fix it is offered, and reports what it showed.
The positions are Neovim's own (0-based line, byte column), converted by Neovim from the
server's UTF-16 ranges, on a line with non-ASCII text, an emoji and a tab."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import EDITOR_TEST_SOURCE, wirelint_environment, write

INIT_LUA = Path(__file__).parent / "editors" / "neovim" / "init.lua"

SOURCE = EDITOR_TEST_SOURCE


@pytest.fixture(scope="module")
def neovim() -> str:
    """The `nvim` executable, 0.7 or later; the run fails (never skips) without it."""
    executable = shutil.which("nvim")
    if executable is None:
        pytest.fail(
            "Neovim is not installed: `apt-get install neovim` (.ci/run does it)", pytrace=False
        )
    version = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"NVIM v(\d+)\.(\d+)", version)
    assert match and (int(match[1]), int(match[2])) >= (0, 7), version
    return executable


def test_neovim_shows_the_diagnostics_and_applies_the_quick_fix(
    neovim: str, wirelint_executable: str, tmp_path: Path
) -> None:
    path = write(tmp_path / "client.py", SOURCE)
    output = tmp_path / "neovim-report.json"
    result = subprocess.run(
        [neovim, "--headless", "-n", "-i", "NONE", "-u", str(INIT_LUA), path.name],
        cwd=tmp_path,
        env=wirelint_environment(
            LSP_TEST_SERVER=wirelint_executable,
            LSP_TEST_ROOT=str(tmp_path),
            LSP_TEST_OUTPUT=str(output),
        ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert output.exists(), f"Neovim wrote no report:\n{result.stdout}\n{result.stderr}"
    report = json.loads(output.read_text(encoding="utf-8"))
    assert result.returncode == 0 and "error" not in report, (report, result.stderr)
    assert report["filetype"] == "python"
    assert report["offset_encoding"] == "utf-16"

    shown = [
        (d["code"], d["source"], d["lnum"], d["col"], d["end_lnum"], d["end_col"])
        for d in report["initial"]
    ]
    # `\tnote = 'café 😀'; requests.get(url, ` is 40 bytes: `timeout=5` starts there.
    assert shown == [
        ("WL201", "wirelint", 4, 40, 4, 49),
        ("WL203", "wirelint", 5, 0, 5, 17),
    ]
    assert report["actions"][:2] == [
        "WL201: Replace with `(5, 5)` (connect, read)",
        "Disable WL201 for this line",
    ]
    fixed = "\n".join(report["fixed_text"]) + "\n"
    assert fixed == SOURCE.replace("timeout=5", "timeout=(5, 5)")
    assert [(d["code"], d["lnum"]) for d in report["after_fix"]] == [("WL203", 5)]
    # Neovim stopped the client with `shutdown` and `exit`: the server exited 0.
    assert report["exit_code"] == 0
    # The buffer was never written: the server linted the editor's text.
    assert path.read_text(encoding="utf-8") == SOURCE
