"""A second real editor: Emacs 28 with eglot 1.9 (Debian's `emacs-nox` and `elpa-eglot`;
`.ci/run` installs them) runs `wirelint server` for a Python buffer with the setup that
docs/editors.md gives Emacs users, as `tests/editors/emacs/init.el` scripts it: the
diagnostics flymake shows, the code action menu of `M-x eglot-code-actions` and its quick
fix applied to the buffer. The positions are Emacs's own (line from 1, character column from
0), converted by eglot from the server's UTF-16 ranges, on a line with non-ASCII text, an emoji
and a tab."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers import EDITOR_TEST_SOURCE, REPOSITORY_ROOT, wirelint_environment, write

INIT_EL = Path(__file__).parent / "editors" / "emacs" / "init.el"
EDITORS_DOC = REPOSITORY_ROOT / "docs" / "editors.md"
# Where Debian's `elpa-*` packages install Emacs packages (eglot among them).
DEBIAN_ELPA = Path("/usr/share/emacs/site-lisp/elpa")
INSTALL_HINT = "`apt-get install emacs-nox elpa-eglot` (.ci/run does it)"
FENCED_ELISP = re.compile(r"^```elisp\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)

SOURCE = EDITOR_TEST_SOURCE


@pytest.fixture(scope="module")
def emacs() -> str:
    """The `emacs` executable, 28 or later, with eglot 1.9 or later in Debian's ELPA
    directory; the run fails (never skips) without them."""
    executable = shutil.which("emacs")
    if executable is None:
        pytest.fail(f"Emacs is not installed: {INSTALL_HINT}", pytrace=False)
    version = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    match = re.search(r"GNU Emacs (\d+)\.(\d+)", version)
    assert match and (int(match[1]), int(match[2])) >= (28, 1), version
    eglots = sorted(DEBIAN_ELPA.glob("eglot-*/eglot.el"))
    if not eglots:
        pytest.fail(f"eglot is not installed in {DEBIAN_ELPA}: {INSTALL_HINT}", pytrace=False)
    return executable


def documented_emacs_setup() -> tuple[str, str]:
    """The two Emacs Lisp blocks of docs/editors.md: the init file's setup, and a project's
    `.dir-locals.el`."""
    blocks = FENCED_ELISP.findall(EDITORS_DOC.read_text(encoding="utf-8"))
    assert len(blocks) == 2, f"docs/editors.md shows {len(blocks)} Emacs Lisp blocks, not 2"
    return blocks[0], blocks[1]


def as_shown(diagnostic: dict[str, Any]) -> tuple[object, ...]:
    """A diagnostic as flymake shows it: code, type, start and end (line from 1, character
    column from 0), and the text it covers."""
    start, end = diagnostic["start"], diagnostic["end"]
    return (
        diagnostic["code"],
        diagnostic["type"],
        start["line"],
        start["column"],
        end["line"],
        end["column"],
        diagnostic["covers"],
    )


def test_emacs_eglot_shows_the_diagnostics_and_applies_the_quick_fix(
    emacs: str, wirelint_executable: str, tmp_path: Path
) -> None:
    init_setup, dir_locals = documented_emacs_setup()
    setup = write(tmp_path / "setup.el", init_setup)
    project = tmp_path / "project"
    write(project / ".dir-locals.el", dir_locals)
    path = write(project / "client.py", SOURCE)
    output = tmp_path / "emacs-report.json"
    result = subprocess.run(
        # The daemon's socket is a file of this test, so parallel runs cannot collide.
        [emacs, f"--fg-daemon={tmp_path / 'server'}", "-Q", "-l", str(INIT_EL), path.name],
        cwd=project,
        env=wirelint_environment(
            HOME=str(tmp_path / "home"),
            LSP_TEST_SERVER=wirelint_executable,
            LSP_TEST_ELPA=str(DEBIAN_ELPA),
            LSP_TEST_SETUP=str(setup),
            LSP_TEST_OUTPUT=str(output),
        ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert output.exists(), f"Emacs wrote no report:\n{result.stdout}\n{result.stderr}"
    report = json.loads(output.read_text(encoding="utf-8"))
    assert result.returncode == 0 and "error" not in report, (
        f"Emacs exited {result.returncode}: {report.get('error')}\n"
        f"{json.dumps(report, ensure_ascii=False, indent=1)}\n{result.stderr}"
    )

    # Debian's eglot, loaded by `M-x eglot` (not before), ran the test's `wirelint server`.
    assert report["eglot_version"] == "1.9"
    assert report["eglot_file"].startswith(f"{DEBIAN_ELPA}/eglot-1.9/")
    assert report["eglot_loaded_by_setup"] is False
    assert (report["buffer"], report["major_mode"]) == ("client.py", "python-mode")
    assert report["executable"] == wirelint_executable
    assert report["server_info"]["name"] == "wirelint"
    assert [folder["uri"] for folder in report["workspace_folders"]] == [project.as_uri()]
    assert report["initialization_options"] == {"severity": "warning"}
    # Eglot 1.9 names no position encoding: the server keeps UTF-16, as eglot counts.
    assert report["client_position_encodings"] is None
    assert report["server_position_encoding"] == "utf-16"

    shown = [as_shown(diagnostic) for diagnostic in report["initial"]]
    # `\tnote = 'café 😀'; requests.get(url, ` is 36 characters (37 UTF-16 code units, 40
    # bytes): `timeout=5` starts there. The .dir-locals.el severity ("error") beat the
    # initialization options' ("warning"): it reached the server.
    assert shown == [
        ("WL201", "eglot-error", 5, 36, 5, 45, "timeout=5"),
        ("WL203", "eglot-error", 6, 0, 6, 17, "requests.get(url)"),
    ]
    assert report["initial"][0]["text"].startswith("wirelint [WL201]: ")
    assert report["initial"][0]["lsp"]["range"]["start"] == {"line": 4, "character": 37}
    assert report["point"] == {"line": 5, "column": 36}

    # `M-x eglot-code-actions` at the first diagnostic asked which action to run; the quick
    # fix is the preferred one, so the menu's default (RET) too.
    quick_fix = "WL201: Replace with `(5, 5)` (connect, read)"
    menu = report["menu"]
    assert [(a["title"], a["kind"], a["preferred"]) for a in menu["actions"]] == [
        (quick_fix, "quickfix", True),
        ("Disable WL201 for this line", "quickfix", None),
        ("wirelint: fix all auto-fixable problems", "source.fixAll.wirelint", None),
    ]
    assert menu["default"] == quick_fix
    fixed = SOURCE.replace("timeout=5", "timeout=(5, 5)")
    assert report["fixed_text"] == fixed
    assert [(d["code"], d["start"]["line"]) for d in report["after_fix"]] == [("WL203", 6)]
    # The buffer was never saved: the server linted the editor's text.
    assert report["modified"] is True
    assert path.read_text(encoding="utf-8") == SOURCE
    # `eglot-shutdown` had its answer to `shutdown` (it signals an error otherwise), sent
    # `exit` and, as jsonrpc 1.0.14 does, killed the process at once unless it had already
    # seen it end: the server exited 0 only if it won that race (the Neovim test and
    # test_lsp_robustness.py prove the exit code).
    assert report["shutdown_answered"] is True
    assert (report["server_status"], report["server_exit_code"]) in [("exit", 0), ("signal", 9)]
