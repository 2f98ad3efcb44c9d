"""End-to-end tests of `--fix`, `--unsafe-fixes`, `--diff` and `--fix-only` via `wirelint`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPOSITORY_ROOT, Run, cache_entries, report_lines, write

# WL201 (safe fix) on line 3, WL203 (no fix) on line 4.
HTTPX_SCALAR = """\
import httpx
import requests
httpx.get(url, timeout=5)
requests.get(url)
"""
HTTPX_FIXED = """\
import httpx
import requests
httpx.get(url, timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))
requests.get(url)
"""

# WL201 on an SDK client with no `import httpx` in the file.
OPENAI_SCALAR = '''\
"""Service client."""
from openai import OpenAI


def make_client() -> OpenAI:
    return OpenAI(timeout=5)
'''
OPENAI_FIXED = '''\
"""Service client."""
import httpx
from openai import OpenAI


def make_client() -> OpenAI:
    return OpenAI(timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))
'''

# WL901 has an unsafe fix only.
PYDANTIC_JSON = """\
import json

from pydantic import BaseModel


class User(BaseModel):
    name: str


def parse(text: str) -> User:
    return User.model_validate(json.loads(text))
"""


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def codes(stdout: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: (WL\d{3})", stdout, flags=re.MULTILINE)


def test_fix_rewrites_a_scalar_timeout_and_reports_what_remains(run: Run, tmp_path: Path) -> None:
    app = write(tmp_path / "app.py", HTTPX_SCALAR)
    result = run("check", "--fix", "app.py")
    assert result.returncode == 1, result.stderr
    assert read(app) == HTTPX_FIXED
    assert report_lines(result.stdout) == [
        "app.py:4:1: WL203 `requests.get(...)` has no timeout and can block forever; "
        "pass `timeout=`",
        "Found 2 errors (1 fixed, 1 remaining).",
    ]
    assert result.stderr == ""
    # The file now checks clean for WL201, and a second --fix changes nothing.
    assert run("check", "--select", "WL201", "app.py").returncode == 0
    again = run("check", "--fix", "app.py")
    assert report_lines(again.stdout)[-1] == "Found 1 error."
    assert read(app) == HTTPX_FIXED


def test_fix_adds_the_httpx_import_and_exits_zero_when_all_is_fixed(
    run: Run, tmp_path: Path
) -> None:
    client = write(tmp_path / "client.py", OPENAI_SCALAR)
    result = run("check", "--fix", "--select", "WL201", "client.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert read(client) == OPENAI_FIXED
    assert result.stdout == "Found 1 error (1 fixed, 0 remaining).\n"


def test_fix_keeps_permissions(run: Run, tmp_path: Path) -> None:
    app = write(tmp_path / "app.py", HTTPX_SCALAR)
    app.chmod(0o640)
    run("check", "--fix", "app.py")
    assert read(app) == HTTPX_FIXED
    assert app.stat().st_mode & 0o777 == 0o640
    leftovers = [path.name for path in tmp_path.iterdir() if path.name != ".wirelint_cache"]
    assert leftovers == ["app.py"], "no temporary file is left behind"


def test_diff_prints_a_patch_and_writes_nothing(run: Run, tmp_path: Path) -> None:
    app = write(tmp_path / "pkg" / "app.py", HTTPX_SCALAR)
    client = write(tmp_path / "pkg" / "client.py", OPENAI_SCALAR)
    before = (app.stat().st_mtime_ns, client.stat().st_mtime_ns)
    result = run("check", "--diff", "pkg")
    assert result.returncode == 1, result.stderr
    assert (read(app), read(client)) == (HTTPX_SCALAR, OPENAI_SCALAR)
    assert (app.stat().st_mtime_ns, client.stat().st_mtime_ns) == before
    assert result.stdout.startswith("--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ ")
    assert "-httpx.get(url, timeout=5)\n+httpx.get(url, timeout=httpx.Timeout(" in result.stdout
    assert "--- a/pkg/client.py\n+++ b/pkg/client.py\n" in result.stdout
    assert "+import httpx\n" in result.stdout
    assert result.stderr == "Would fix 2 errors.\n"
    # The diff is a real patch: applying it gives what --fix writes.
    subprocess.run(
        ["patch", "-p1", "--quiet"], cwd=tmp_path, input=result.stdout, text=True, check=True
    )
    assert (read(app), read(client)) == (HTTPX_FIXED, OPENAI_FIXED)


def test_diff_with_nothing_to_fix_exits_zero(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "app.py", "import requests\nrequests.get(url)\n")
    result = run("check", "--diff", "app.py")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "No errors would be fixed.\n"


def test_fix_only_reports_nothing_but_the_count(run: Run, tmp_path: Path) -> None:
    app = write(tmp_path / "app.py", HTTPX_SCALAR)
    client = write(tmp_path / "client.py", OPENAI_SCALAR)
    result = run("check", "--fix-only", ".")
    assert result.returncode == 0, "what remains (WL203) does not fail --fix-only"
    assert result.stdout == "Fixed 2 errors.\n"
    assert result.stderr == ""
    assert (read(app), read(client)) == (HTTPX_FIXED, OPENAI_FIXED)
    assert run("check", "--fix-only", "--quiet", ".").stdout == ""


def test_unsafe_fixes_need_opting_in(run: Run, tmp_path: Path) -> None:
    models = write(tmp_path / "models.py", PYDANTIC_JSON)
    shown = run("check", "models.py")
    assert codes(shown.stdout) == ["WL901"]
    assert "[*]" not in shown.stdout
    assert report_lines(shown.stdout)[-1] == (
        "Found 1 error (1 hidden fix can be enabled with --unsafe-fixes)."
    )
    safe_only = run("check", "--fix", "models.py")
    assert read(models) == PYDANTIC_JSON
    assert safe_only.returncode == 1
    marked = run("check", "--unsafe-fixes", "models.py")
    assert "WL901 [*]" in marked.stdout
    assert report_lines(marked.stdout)[-1] == "Found 1 error (1 fixable, marked [*])."
    fixed = run("check", "--fix", "--unsafe-fixes", "models.py")
    assert "return User.model_validate_json(text)\n" in read(models)
    assert fixed.stdout.splitlines()[-1] == "Found 1 error (1 fixed, 0 remaining)."


def test_standard_input_fixed_source_goes_to_stdout(run: Run) -> None:
    fixed = run("check", "-", "--fix", "--stdin-filename", "app.py", stdin=HTTPX_SCALAR)
    assert fixed.returncode == 1
    assert fixed.stdout == HTTPX_FIXED
    assert "app.py:4:1: WL203" in fixed.stderr
    assert "Found 2 errors (1 fixed, 1 remaining)." in fixed.stderr
    only = run("check", "-", "--fix-only", stdin=HTTPX_SCALAR)
    assert (only.returncode, only.stdout, only.stderr) == (0, HTTPX_FIXED, "")
    untouched = run("check", "-", "--fix", stdin="x = 1\n")
    assert (untouched.returncode, untouched.stdout) == (0, "x = 1\n")
    diff = run("check", "-", "--diff", "--stdin-filename", "app.py", stdin=HTTPX_SCALAR)
    assert diff.returncode == 1
    assert diff.stdout.startswith("--- a/app.py\n+++ b/app.py\n")


def test_add_noqa_cannot_be_combined_with_fixes(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "app.py", HTTPX_SCALAR)
    for flag in ("--fix", "--fix-only", "--diff"):
        result = run("check", "--add-noqa", flag, "app.py")
        assert result.returncode == 2, flag
        assert "cannot be used with" in result.stderr
    assert read(tmp_path / "app.py") == HTTPX_SCALAR


def test_fix_updates_the_fixed_files_cache_entry(run: Run, tmp_path: Path) -> None:
    app = write(tmp_path / "app.py", HTTPX_SCALAR)
    write(tmp_path / "clean.py", "x = 1\n")
    cache = tmp_path / ".wirelint_cache"
    assert run("check", ".").returncode == 1
    assert len(cache_entries(cache)) == 2
    fixed = run("check", "--fix", ".")
    assert report_lines(fixed.stdout)[-1] == "Found 2 errors (1 fixed, 1 remaining)."
    assert read(app) == HTTPX_FIXED
    after_fix = cache_entries(cache)
    # The next run replays the fixed file's new entry: nothing is rewritten.
    replay = run("check", ".")
    assert codes(replay.stdout) == ["WL203"]
    assert cache_entries(cache) == after_fix
    assert replay.stdout == run("check", "--no-cache", ".").stdout


# --- WL201's fix keeps the imports sorted, as Ruff's I001 (isort) judges them ------------------


def ruff_import_order(path: Path, *settings: str) -> subprocess.CompletedProcess[str]:
    """Ruff's import-sorting rule (I001) on `path`, with its defaults or `settings`."""
    config = [argument for setting in settings for argument in ("--config", setting)]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            *config,
            "--select",
            "I001",
            str(path),
        ],
        cwd=path if path.is_dir() else path.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_fixing_the_example_service_keeps_its_imports_sorted(run: Run, tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    shutil.copytree(REPOSITORY_ROOT / "examples", examples)
    before = ruff_import_order(examples)
    assert before.returncode == 0, before.stdout
    fixed = run("check", "--fix", "examples")
    assert "fixed" in report_lines(fixed.stdout)[-1], fixed.stdout
    # The SDK call's fix needed `import httpx`, added among the third-party imports.
    assistant = read(examples / "payments_service" / "assistant.py")
    assert "import urllib.request\n\nimport httpx\nfrom openai import OpenAI\n" in assistant
    after = ruff_import_order(examples)
    assert after.returncode == 0, after.stdout


# Import layouts Ruff accepts (with the settings given), each with a WL201 finding whose fix
# needs `httpx.Timeout`, and where the fix puts (or finds) it.
IMPORT_LAYOUTS = [
    pytest.param(
        (),
        "import json\n\nfrom openai import OpenAI\n\nclient = OpenAI(timeout=5)\nprint(json)\n",
        "import json\n\nimport httpx\nfrom openai import OpenAI\n\n",
        id="stdlib-then-sdk",
    ),
    pytest.param(
        (),
        '"""Doc."""\n\nfrom __future__ import annotations\n\nimport os\n\nimport anthropic\n'
        "import requests\n\nclient = anthropic.Anthropic(timeout=5)\nprint(os, requests)\n",
        "import os\n\nimport anthropic\nimport httpx\nimport requests\n\n",
        id="between-straight-imports",
    ),
    pytest.param(
        ("lint.isort.force-sort-within-sections = true",),
        "import os\n\nfrom anthropic import Anthropic\nimport openai\n\n"
        "client = openai.OpenAI(timeout=5)\nprint(os, Anthropic)\n",
        "from anthropic import Anthropic\nimport httpx\nimport openai\n",
        id="force-sort-within-sections",
    ),
    pytest.param(
        (),
        "from __future__ import annotations\n\nimport logging\n\n\ndef make():\n"
        "    from openai import OpenAI\n\n    return OpenAI(timeout=5)\n\n\nprint(logging)\n",
        "import logging\n\nimport httpx\n\n\ndef make():\n",
        id="sdk-imported-in-a-function",
    ),
    pytest.param(
        (),
        "from httpx import Timeout\nfrom openai import OpenAI\n\nclient = OpenAI(timeout=5)\n"
        "print(Timeout)\n",
        "client = OpenAI(timeout=Timeout(5, connect=5",
        id="reuses-from-import",
    ),
]


@pytest.mark.parametrize(("settings", "source", "expected"), IMPORT_LAYOUTS)
def test_the_httpx_import_goes_where_ruff_sorts_it(
    run: Run, tmp_path: Path, settings: tuple[str, ...], source: str, expected: str
) -> None:
    module = write(tmp_path / "module.py", source)
    before = ruff_import_order(module, *settings)
    assert before.returncode == 0, before.stdout
    fixed = run("check", "--fix", "--select", "WL201", "module.py")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert expected in read(module)
    assert read(module).count("import httpx") <= 1
    after = ruff_import_order(module, *settings)
    assert after.returncode == 0, read(module) + after.stdout
