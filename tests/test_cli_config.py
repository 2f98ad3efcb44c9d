"""End-to-end tests of the installed `wirelint` console script's configuration handling.

The CLI's configuration and input cases live in `crates/wirelint_cli/tests/config.rs`, next
to the code; this file keeps only the cases those tests do not cover, each tested once."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import CONCISE_LINE, Run, write

# WL201 on line 6, WL203 on line 7, WL204 on line 8.
TIMEOUTS = """\
import httpx
import requests


def fetch(url: str) -> None:
    httpx.get(url, timeout=5)
    requests.get(url)
    requests.get(url, timeout=None)
"""

# WL203 on line 4.
MISSING_TIMEOUT = """\
import requests


requests.get("https://example.com")
"""


def findings(stdout: str) -> list[tuple[str, str]]:
    """(path, code) of every concise diagnostic line, in output order."""
    found: list[tuple[str, str]] = []
    for line in stdout.splitlines():
        match = CONCISE_LINE.match(line)
        if match:
            found.append((match["path"].replace(os.sep, "/"), match["code"]))
    return found


# --- each key is honoured ----------------------------------------------------------------------


def test_ignore_and_extend_select(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "wirelint.toml",
        'select = ["WL201"]\nextend-select = ["WL2"]\nignore = ["WL204"]\n',
    )
    write(tmp_path / "app.py", TIMEOUTS)
    assert findings(run("check").stdout) == [("app.py", "WL201"), ("app.py", "WL203")]


def test_preview_key_enables_preview_rules(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "app.py", "import httpx\nt = httpx.Timeout(5.0, connect=2.0)\n")
    write(tmp_path / ".wirelint.toml", 'select = ["WL202"]\n')
    assert findings(run("check").stdout) == []
    write(tmp_path / ".wirelint.toml", 'select = ["WL202"]\npreview = true\n')
    assert findings(run("check").stdout) == [("app.py", "WL202")]


def test_respect_gitignore_key(run: Run, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "ignored.py\n")
    write(tmp_path / "ignored.py", MISSING_TIMEOUT)
    assert findings(run("check").stdout) == []
    write(tmp_path / "wirelint.toml", "respect-gitignore = false\n")
    assert findings(run("check").stdout) == [("ignored.py", "WL203")]


PROJECT_CLIENT = """\
from acme.http import Client

client = Client()


def fetch(path: str) -> bytes:
    return client.get(path)


def probe(path: str) -> int:
    probe_client = Client()
    return probe_client.head(path)
"""


def test_project_client_class_reaches_the_lifecycle_rules_only_when_configured(
    run: Run, tmp_path: Path
) -> None:
    write(tmp_path / "app.py", PROJECT_CLIENT)
    assert findings(run("check", "--no-cache", "app.py").stdout) == []
    write(tmp_path / "wirelint.toml", 'extend-client-classes = ["acme.http.Client"]\n')
    result = run("check", "--no-cache", "app.py")
    assert result.returncode == 1, result.stderr
    assert findings(result.stdout) == [
        ("app.py", "WL101"),  # client = Client() at import time
        ("app.py", "WL103"),  # fetch() reaches for the module-level client
        ("app.py", "WL104"),  # probe() never closes its client
    ]


def test_max_retries_and_lists_reach_show_settings(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "wirelint.toml",
        "max-retries = 2\n"
        'extend-network-modules = ["acme_http"]\n'
        'extend-error-classes = ["acme.errors.AcmeError"]\n'
        'cache-dir = "cache/wl"\n',
    )
    text = run("check", "--show-settings", "app.py").stdout
    assert "\nmax-retries = 2\n" in text
    assert '\nextend-network-modules = ["acme_http"]\n' in text
    assert '\nextend-error-classes = ["acme.errors.AcmeError"]\n' in text
    assert f'\ncache-dir = "{tmp_path / "cache" / "wl"}"' in text
    overridden = run("check", "--show-settings", "app.py", env={"WIRELINT_CACHE_DIR": "/tmp/wl-x"})
    assert '\ncache-dir = "/tmp/wl-x"' in overridden.stdout


# --- hierarchy, --config, --isolated -----------------------------------------------------------


def test_dot_wirelint_toml_beats_the_other_names(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.wirelint]\nselect = ["WL201"]\n')
    write(tmp_path / "wirelint.toml", 'select = ["WL203"]\n')
    write(tmp_path / ".wirelint.toml", 'select = ["WL204"]\n')
    write(tmp_path / "app.py", TIMEOUTS)
    assert findings(run("check").stdout) == [("app.py", "WL204")]


def test_isolated_ignores_every_configuration(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'select = ["WL201"]\nnot-a-key = 1\n')
    write(tmp_path / "app.py", TIMEOUTS)
    result = run("check", "--isolated")
    assert result.returncode == 1, result.stderr
    assert [code for _, code in findings(result.stdout)] == ["WL201", "WL203", "WL204"]


# --- bad configuration -------------------------------------------------------------------------


def test_bad_type_names_the_key_and_line(run: Run, tmp_path: Path) -> None:
    config = write(tmp_path / "wirelint.toml", 'preview = true\nselect = "WL2"\n')
    result = run("check")
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {config}:2:10: `select` must be a list of rule codes (strings), found a string\n"
    )


def test_unknown_code_is_an_error_with_a_suggestion(run: Run, tmp_path: Path) -> None:
    config = write(tmp_path / "wirelint.toml", '[per-file-ignores]\n"tests/*" = ["WL2033"]\n')
    result = run("check")
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {config}:2:14: unknown rule code `WL2033` in `per-file-ignores` "
        "(did you mean `WL203`?)\n"
    )


def test_invalid_toml_is_an_error_naming_the_file(run: Run, tmp_path: Path) -> None:
    config = write(tmp_path / "wirelint.toml", 'select = ["WL2"\n')
    result = run("check")
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {config}:"), result.stderr
    assert "invalid TOML" in result.stderr
