"""End-to-end tests of the `wirelint` console script's configuration and input handling."""

from __future__ import annotations

import json
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


def test_pyproject_select(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "demo"\n[tool.wirelint]\nselect = ["WL203"]\n',
    )
    write(tmp_path / "app.py", TIMEOUTS)
    result = run("check")
    assert result.returncode == 1, result.stderr
    assert findings(result.stdout) == [("app.py", "WL203")]


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


def test_per_file_ignores(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "wirelint.toml",
        '[per-file-ignores]\n"tests/**" = ["WL203"]\n"scripts/*.py" = ["WL2"]\n',
    )
    write(tmp_path / "tests" / "unit" / "test_app.py", MISSING_TIMEOUT)
    write(tmp_path / "scripts" / "fetch.py", TIMEOUTS)
    write(tmp_path / "app.py", MISSING_TIMEOUT)
    assert findings(run("check").stdout) == [("app.py", "WL203")]


def test_exclude_and_extend_exclude(run: Run, tmp_path: Path) -> None:
    for name in ("app.py", "generated/api.py", "build/out.py", "proto_pb2.py"):
        write(tmp_path / name, MISSING_TIMEOUT)
    write(tmp_path / "wirelint.toml", 'extend-exclude = ["generated", "*_pb2.py"]\n')
    assert findings(run("check").stdout) == [("app.py", "WL203")]
    # `exclude` replaces the default list, so build/ is walked again.
    write(tmp_path / "wirelint.toml", 'exclude = ["generated"]\n')
    assert {path for path, _ in findings(run("check").stdout)} == {
        "app.py",
        "build/out.py",
        "proto_pb2.py",
    }


def test_include(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'include = ["*.py", "bin/*"]\n')
    write(tmp_path / "bin" / "tool", MISSING_TIMEOUT)
    write(tmp_path / "stub.pyi", MISSING_TIMEOUT)
    assert findings(run("check").stdout) == [("bin/tool", "WL203")]


def test_respect_gitignore_key(run: Run, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "ignored.py\n")
    write(tmp_path / "ignored.py", MISSING_TIMEOUT)
    assert findings(run("check").stdout) == []
    write(tmp_path / "wirelint.toml", "respect-gitignore = false\n")
    assert findings(run("check").stdout) == [("ignored.py", "WL203")]


def test_force_exclude_flag_and_key_apply_to_explicit_paths(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'extend-exclude = ["generated"]\n')
    write(tmp_path / "generated" / "api.py", MISSING_TIMEOUT)
    write(tmp_path / "app.py", MISSING_TIMEOUT)
    explicit = ("check", "generated/api.py", "app.py")
    assert {path for path, _ in findings(run(*explicit).stdout)} == {"app.py", "generated/api.py"}
    assert findings(run(*explicit, "--force-exclude").stdout) == [("app.py", "WL203")]
    write(tmp_path / "wirelint.toml", 'extend-exclude = ["generated"]\nforce-exclude = true\n')
    assert findings(run(*explicit).stdout) == [("app.py", "WL203")]


def test_project_client_classes_and_relative_imports(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "wirelint.toml",
        'select = ["WL101"]\nextend-client-classes = ["acme.http.Client"]\n',
    )
    write(tmp_path / "acme" / "__init__.py", "")
    write(tmp_path / "acme" / "http.py", "class Client:\n    pass\n")
    write(tmp_path / "acme" / "app.py", "from .http import Client\n\nclient = Client()\n")
    assert findings(run("check").stdout) == [("acme/app.py", "WL101")]


def test_max_retries_and_project_modules_and_errors_reach_the_rules(
    run: Run, tmp_path: Path
) -> None:
    write(
        tmp_path / "retries.py",
        "import openai\n\n\ndef make() -> openai.OpenAI:\n"
        "    return openai.OpenAI(max_retries=4)\n",
    )
    write(
        tmp_path / "roots.py",
        "import acme_http\n\n\nclass AError(Exception):\n    pass\n\n\n"
        "class BError(Exception):\n    pass\n",
    )
    write(
        tmp_path / "wrapped.py",
        "import acme.errors\n\n\ndef fetch() -> None:\n    try:\n        pass\n"
        "    except acme.errors.AcmeError as error:\n        raise RuntimeError('x') from error\n",
    )
    select = ("check", "--select", "WL308,WL402,WL403")
    assert findings(run(*select, "--isolated").stdout) == []
    write(
        tmp_path / "wirelint.toml",
        "max-retries = 3\n"
        'extend-network-modules = ["acme_http"]\n'
        'extend-error-classes = ["acme.errors.AcmeError"]\n',
    )
    assert findings(run(*select).stdout) == [
        ("retries.py", "WL308"),
        ("roots.py", "WL403"),
        ("wrapped.py", "WL402"),
    ]


def test_output_format_key_and_flag(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'output-format = "json"\n')
    write(tmp_path / "app.py", MISSING_TIMEOUT)
    configured = run("check")
    assert [item["code"] for item in json.loads(configured.stdout)] == ["WL203"]
    flagged = run("check", "--output-format", "concise")
    assert findings(flagged.stdout) == [("app.py", "WL203")]


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


def test_subdirectory_configuration_wins_for_its_files(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.wirelint]\nignore = ["WL204"]\n')
    write(tmp_path / "service" / "wirelint.toml", 'select = ["WL204"]\n')
    write(tmp_path / "top.py", TIMEOUTS)
    write(tmp_path / "service" / "api" / "app.py", TIMEOUTS)
    assert findings(run("check").stdout) == [
        ("service/api/app.py", "WL204"),
        ("top.py", "WL201"),
        ("top.py", "WL203"),
    ]


def test_dot_wirelint_toml_beats_the_other_names(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.wirelint]\nselect = ["WL201"]\n')
    write(tmp_path / "wirelint.toml", 'select = ["WL203"]\n')
    write(tmp_path / ".wirelint.toml", 'select = ["WL204"]\n')
    write(tmp_path / "app.py", TIMEOUTS)
    assert findings(run("check").stdout) == [("app.py", "WL204")]


def test_pyproject_without_a_wirelint_table_is_not_a_configuration(
    run: Run, tmp_path: Path
) -> None:
    write(tmp_path / "wirelint.toml", 'select = ["WL203"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n')
    write(tmp_path / "pkg" / "app.py", TIMEOUTS)
    assert findings(run("check").stdout) == [("pkg/app.py", "WL203")]


def test_config_flag_governs_every_file(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'select = ["WL201"]\n')
    write(tmp_path / "sub" / "wirelint.toml", 'select = ["WL204"]\n')
    write(tmp_path / "ci" / "strict.toml", 'select = ["WL203"]\n')
    write(tmp_path / "app.py", TIMEOUTS)
    write(tmp_path / "sub" / "app.py", TIMEOUTS)
    assert findings(run("check", "--config", "ci/strict.toml").stdout) == [
        ("app.py", "WL203"),
        ("sub/app.py", "WL203"),
    ]


def test_isolated_ignores_every_configuration(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'select = ["WL201"]\nnot-a-key = 1\n')
    write(tmp_path / "app.py", TIMEOUTS)
    result = run("check", "--isolated")
    assert result.returncode == 1, result.stderr
    assert [code for _, code in findings(result.stdout)] == ["WL201", "WL203", "WL204"]


def test_command_line_select_replaces_the_configured_one(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'select = ["WL201"]\nignore = ["WL204"]\n')
    write(tmp_path / "app.py", TIMEOUTS)
    assert findings(run("check", "--select", "WL204").stdout) == [("app.py", "WL204")]


# --- bad configuration -------------------------------------------------------------------------


def test_bad_key_names_file_key_line_and_suggestion(run: Run, tmp_path: Path) -> None:
    config = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "demo"\n\n[tool.wirelint]\npreview = true\nselct = ["WL2"]\n',
    )
    write(tmp_path / "app.py", TIMEOUTS)
    result = run("check")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {config}:6:1: unknown key `selct` in [tool.wirelint] (did you mean `select`?)\n"
    )


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


def test_missing_config_file_is_an_error(run: Run, tmp_path: Path) -> None:
    result = run("check", "--config", "absent.toml")
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {tmp_path / 'absent.toml'}: configuration file does not exist\n"
    )


# --- input: stdin, @FILE, missing paths ----------------------------------------------------------


def test_stdin_with_a_filename_applies_its_per_file_ignores(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", '[per-file-ignores]\n"tests/*" = ["WL203"]\n')
    named = run("check", "-", "--stdin-filename", "src/app.py", stdin=MISSING_TIMEOUT)
    assert named.returncode == 1, named.stderr
    assert findings(named.stdout) == [("src/app.py", "WL203")]
    ignored = run("check", "-", "--stdin-filename", "tests/test_app.py", stdin=MISSING_TIMEOUT)
    assert ignored.returncode == 0, ignored.stdout
    assert findings(ignored.stdout) == []


def test_stdin_without_a_filename_is_called_dash(run: Run) -> None:
    result = run("check", "-", stdin=MISSING_TIMEOUT)
    assert findings(result.stdout) == [("-", "WL203")]


def test_argument_file_expands_to_its_paths(run: Run, tmp_path: Path) -> None:
    for name in ("a.py", "b.py", "c.py"):
        write(tmp_path / name, MISSING_TIMEOUT)
    write(tmp_path / "staged.txt", "# staged by pre-commit\na.py\n\nc.py\n")
    result = run("check", "@staged.txt")
    assert findings(result.stdout) == [("a.py", "WL203"), ("c.py", "WL203")]


def test_missing_argument_file_is_named(run: Run) -> None:
    result = run("check", "@nope.txt")
    assert result.returncode == 2
    assert result.stderr == "error: argument file `nope.txt` (from `@nope.txt`) does not exist\n"


def test_missing_path_is_an_error_naming_it(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "app.py", MISSING_TIMEOUT)
    result = run("check", "app.py", "gone/x.py")
    assert result.returncode == 2
    assert result.stderr == "error: path `gone/x.py` does not exist\n"
    assert findings(result.stdout) == [("app.py", "WL203")]


# --- --show-settings and --show-files ----------------------------------------------------------


def test_show_files_lists_sorted_paths(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "wirelint.toml", 'extend-exclude = ["skip"]\n')
    for name in ("z.py", "a/b.pyi", "skip/c.py", ".venv/d.py", "notes.txt"):
        write(tmp_path / name, "x = 1\n")
    result = run("check", "--show-files")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "a/b.pyi\nz.py\n"


def test_show_settings_names_the_governing_configuration(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.wirelint]\nmax-retries = 3\n")
    sub_config = write(tmp_path / "svc" / "wirelint.toml", 'preview = true\nignore = ["WL203"]\n')
    write(tmp_path / "svc" / "acme" / "__init__.py", "")
    result = run("check", "--show-settings", "svc/acme/app.py")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert f"# configuration: {sub_config}\n" in text
    assert "# package: acme\n" in text
    assert "\npreview = true\n" in text
    assert '\nignore = ["WL203"]\n' in text
    assert "\nmax-retries = 5\n" in text  # levels do not merge
    assert "#   WL202 timeout-without-pool\n" in text
    assert "WL203 missing-timeout" not in text
    for key in (
        "select",
        "extend-select",
        "per-file-ignores",
        "include",
        "exclude",
        "extend-exclude",
        "force-exclude",
        "respect-gitignore",
        "extend-client-classes",
        "extend-network-modules",
        "extend-error-classes",
        "cache-dir",
        "output-format",
    ):
        assert f"\n{key} = " in text, key
