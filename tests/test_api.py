"""Tests of the public Python API (check, check_source, rules) against the installed package."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import types
import typing
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

import wirelint
from helpers import wirelint_environment, write
from wirelint import _core

MISSING_TIMEOUT = "import requests\nrequests.get(url)\n"
TIMEOUTS_MIXED = textwrap.dedent(
    """\
    import httpx
    import requests

    requests.get(url)
    httpx.get(url, timeout=5)
    requests.post(url, timeout=None)
    """
)


def codes(diagnostics: list[wirelint.Diagnostic]) -> list[str]:
    return [diagnostic.code for diagnostic in diagnostics]


def apply_fix(source: str, fix: wirelint.Fix) -> str:
    """Applies a fix's edits, addressing the text by 1-based line and character column."""
    lines = source.splitlines(keepends=True)
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return line_starts[line - 1] + column - 1

    for edit in sorted(fix.edits, key=lambda edit: (edit.line, edit.column), reverse=True):
        start = offset(edit.line, edit.column)
        end = offset(edit.end_line, edit.end_column)
        source = source[:start] + edit.content + source[end:]
    return source


# check_source: what it finds


def test_missing_timeout_is_reported_on_the_call() -> None:
    diagnostics = wirelint.check_source(MISSING_TIMEOUT)
    assert codes(diagnostics) == ["WL203"]
    (diagnostic,) = diagnostics
    assert diagnostic.name == "missing-timeout"
    assert diagnostic.path == "<string>"
    assert (diagnostic.line, diagnostic.column) == (2, 1)
    assert diagnostic.end_line == 2
    assert diagnostic.end_column == len("requests.get(url)") + 1
    assert "timeout" in diagnostic.message


def test_scalar_timeout_comes_with_a_safe_fix_that_resolves_it() -> None:
    source = "import httpx\nhttpx.get(u, timeout=5)\n"
    (diagnostic,) = wirelint.check_source(source)
    assert (diagnostic.code, diagnostic.name) == ("WL201", "scalar-timeout")
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability == "safe"
    assert diagnostic.fix.message
    assert diagnostic.fix.edits
    assert all(isinstance(edit, wirelint.Edit) for edit in diagnostic.fix.edits)

    fixed = apply_fix(source, diagnostic.fix)
    assert "httpx.Timeout(" in fixed
    ast.parse(fixed)
    assert wirelint.check_source(fixed) == []


def test_disabled_timeout_is_reported() -> None:
    assert codes(wirelint.check_source("import requests\nrequests.get(url, timeout=None)\n")) == [
        "WL204"
    ]


def test_clean_code_has_no_diagnostics() -> None:
    source = textwrap.dedent(
        """\
        import json


        def load(path):
            with open(path) as handle:
                return json.load(handle)
        """
    )
    assert wirelint.check_source(source) == []
    timeouts_done_right = "import requests\nrequests.get(url, timeout=(3.05, 27))\n"
    assert wirelint.check_source(timeouts_done_right, select="WL2") == []


def test_syntax_error_is_wl001_with_its_position() -> None:
    source = "x = 1\ndef broken(:\n    pass\n"
    diagnostics = wirelint.check_source(source, filename="broken.py")
    assert diagnostics
    assert set(codes(diagnostics)) == {"WL001"}
    first = diagnostics[0]
    assert first.name == "syntax-error"
    assert first.path == "broken.py"
    assert first.line == 2
    assert 1 <= first.column <= len("def broken(:") + 1
    assert first.message.startswith("SyntaxError")


def test_other_findings_survive_a_syntax_error() -> None:
    source = "def broken(:\n    pass\nimport requests\nrequests.get(url)\n"
    found = codes(wirelint.check_source(source))
    assert "WL001" in found
    assert "WL203" in found


def test_diagnostics_are_sorted_by_position() -> None:
    diagnostics = wirelint.check_source(TIMEOUTS_MIXED)
    assert codes(diagnostics) == ["WL203", "WL201", "WL204"]
    positions = [(d.line, d.column) for d in diagnostics]
    assert positions == sorted(positions)


def test_columns_count_characters_not_bytes() -> None:
    line = 'label = "héllo wörld 🎉"; requests.get(url)'
    source = f"import requests\n{line}\n"
    (diagnostic,) = wirelint.check_source(source)
    assert diagnostic.code == "WL203"
    assert diagnostic.line == 2
    assert diagnostic.column == line.index("requests.get") + 1
    assert diagnostic.end_column == len(line) + 1


def test_fix_columns_count_characters() -> None:
    source = 'import httpx\nlabel = "naïve 🎉"; httpx.get(u, timeout=5)\n'
    (diagnostic,) = wirelint.check_source(source)
    assert diagnostic.fix is not None
    fixed = apply_fix(source, diagnostic.fix)
    assert fixed.startswith('import httpx\nlabel = "naïve 🎉"; httpx.get(u, timeout=httpx.Timeout(')
    assert wirelint.check_source(fixed) == []


def test_filename_accepts_a_path_object() -> None:
    (diagnostic,) = wirelint.check_source(MISSING_TIMEOUT, filename=Path("pkg") / "client.py")
    assert diagnostic.path == os.path.join("pkg", "client.py")


# Rule selection


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        (None, None, ["WL203", "WL201", "WL204"]),
        ("WL201", None, ["WL201"]),
        (["WL201", "WL204"], None, ["WL201", "WL204"]),
        ("wl201, WL204", None, ["WL201", "WL204"]),
        ("WL2", "WL203", ["WL201", "WL204"]),
        (None, ["WL20"], []),
        (["WL2"], ["WL20"], []),
        ("WL203", "WL2", ["WL203"]),
        ("ALL", None, ["WL203", "WL201", "WL204"]),
        ([], None, []),
    ],
)
def test_select_and_ignore_take_codes_and_prefixes(
    select: str | list[str] | None, ignore: str | list[str] | None, expected: list[str]
) -> None:
    found = wirelint.check_source(TIMEOUTS_MIXED, select=select, ignore=ignore)
    assert codes(found) == expected


def test_syntax_errors_cannot_be_ignored() -> None:
    assert codes(wirelint.check_source("x = (", ignore="ALL")) == ["WL001"]


def test_preview_gates_preview_rules() -> None:
    source = "import httpx\nhttpx.Timeout(10.0, connect=3.0, read=10.0, write=10.0)\n"
    assert wirelint.check_source(source) == []
    assert codes(wirelint.check_source(source, preview=True)) == ["WL202"]
    assert wirelint.check_source(source, preview=True, ignore="WL202") == []


@pytest.mark.parametrize("option", ["select", "ignore"])
def test_unknown_selector_raises_config_error(option: str) -> None:
    selectors = ["WL2", "WL2011"]
    with pytest.raises(wirelint.ConfigError) as caught:
        if option == "select":
            wirelint.check_source(MISSING_TIMEOUT, select=selectors)
        else:
            wirelint.check_source(MISSING_TIMEOUT, ignore=selectors)
    error = caught.value
    assert isinstance(error, wirelint.WirelintError)
    assert "WL2011" in error.message
    assert "WL201" in error.message.replace("WL2011", "")  # the did-you-mean
    assert str(error) == error.message


def test_selector_that_is_not_a_string_raises_config_error() -> None:
    with pytest.raises(wirelint.ConfigError, match="select="):
        wirelint.check_source(MISSING_TIMEOUT, select=[201])  # type: ignore[list-item]
    with pytest.raises(wirelint.ConfigError) as caught:
        wirelint.check_source(MISSING_TIMEOUT, select=b"WL2")  # type: ignore[arg-type]
    assert caught.value.message == (
        "select= takes rule codes as a string or a list of strings, got b'WL2' (bytes)"
    )
    with pytest.raises(wirelint.ConfigError, match="ignore= got '\\\\udcff'"):
        wirelint.check_source(MISSING_TIMEOUT, ignore="WL2,\udcff")


def test_a_source_no_utf8_file_could_hold_is_wl002_not_a_unicode_error() -> None:
    (diagnostic,) = wirelint.check_source("x = 1\ny = '\udcff'\n", filename="s\udcff.py")
    assert diagnostic.code == "WL002"
    assert diagnostic.message == (
        "Source is not valid UTF-8: a lone surrogate (U+DCFF) at line 2, column 6 cannot be encoded"
    )
    assert diagnostic.path == "s\udcff.py"
    with pytest.raises(TypeError):
        wirelint.check_source(b"x = 1\n")  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_special_file_as_config_is_an_error_not_a_hang(tmp_path: Path) -> None:
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    fifo = tmp_path / "wirelint.toml"
    os.mkfifo(fifo)
    for config in (fifo, Path("/dev/zero")):
        with pytest.raises(wirelint.ConfigError, match="not a regular file"):
            wirelint.check(tmp_path / "a.py", config=config)


def test_check_validates_selectors_even_with_no_paths(tmp_path: Path) -> None:
    assert wirelint.check([]) == []
    with pytest.raises(wirelint.ConfigError):
        wirelint.check([], select="E501")
    with pytest.raises(wirelint.ConfigError):
        wirelint.check(tmp_path, ignore="nope")


# The records


def test_diagnostic_is_a_frozen_slotted_record() -> None:
    (diagnostic,) = wirelint.check_source(MISSING_TIMEOUT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        diagnostic.line = 3  # type: ignore[misc]
    assert not hasattr(diagnostic, "__dict__")
    assert [field.name for field in dataclasses.fields(diagnostic)] == [
        "code",
        "name",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "fix",
    ]
    assert diagnostic == wirelint.check_source(MISSING_TIMEOUT)[0]
    assert hash(diagnostic) == hash(wirelint.check_source(MISSING_TIMEOUT)[0])


def test_records_survive_pickling() -> None:
    (diagnostic,) = wirelint.check_source("import httpx\nhttpx.get(u, timeout=5)\n")
    assert diagnostic.fix is not None
    assert pickle.loads(pickle.dumps(diagnostic)) == diagnostic
    rule = wirelint.rules()[0]
    assert pickle.loads(pickle.dumps(rule)) == rule


def test_rules_lists_the_registry_with_docs() -> None:
    rules = wirelint.rules()
    by_code = {rule.code: rule for rule in rules}
    assert {"WL001", "WL002", "WL201", "WL202", "WL203", "WL204"} <= set(by_code)
    assert [rule.code for rule in rules] == sorted(by_code)
    for rule in rules:
        assert isinstance(rule, wirelint.Rule)
        assert "## What it does" in rule.docs, rule.code
        assert rule.summary
        assert rule.status in ("stable", "preview", "always")
        assert rule.docs not in repr(rule)
    assert by_code["WL201"].name == "scalar-timeout"
    assert by_code["WL201"].family == "timeouts"
    assert by_code["WL201"].status == "stable"
    assert by_code["WL202"].status == "preview"
    assert by_code["WL001"].status == "always"
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules[0].code = "WL999"  # type: ignore[misc]


# check: files and directories


def test_check_walks_directories_for_python_files(tmp_path: Path) -> None:
    first = write(tmp_path / "pkg" / "a.py", MISSING_TIMEOUT)
    second = write(tmp_path / "pkg" / "sub" / "b.py", "import httpx\nhttpx.get(u, timeout=5)\n")
    write(tmp_path / "pkg" / "clean.py", "x = 1\n")
    write(tmp_path / "pkg" / "notes.txt", MISSING_TIMEOUT)
    write(tmp_path / "pkg" / ".venv" / "lib" / "site.py", MISSING_TIMEOUT)
    write(tmp_path / "pkg" / "node_modules" / "tool.py", MISSING_TIMEOUT)

    diagnostics = wirelint.check(tmp_path / "pkg")
    assert [(Path(d.path), d.code) for d in diagnostics] == [
        (first, "WL203"),
        (second, "WL201"),
    ]


def test_check_takes_an_explicit_file_whatever_its_extension(tmp_path: Path) -> None:
    script = write(tmp_path / "fetch-script", MISSING_TIMEOUT)
    (diagnostic,) = wirelint.check([str(script)])
    assert (Path(diagnostic.path), diagnostic.code) == (script, "WL203")


def test_check_accepts_any_iterable_of_paths(tmp_path: Path) -> None:
    files = [write(tmp_path / f"m{index}.py", MISSING_TIMEOUT) for index in range(3)]

    def generated() -> Iterator[Path]:
        yield from reversed(files)

    diagnostics = wirelint.check(generated())
    assert [Path(d.path) for d in diagnostics] == files  # sorted by path


def test_check_applies_selection(tmp_path: Path) -> None:
    write(tmp_path / "mixed.py", TIMEOUTS_MIXED)
    assert codes(wirelint.check(tmp_path, select="WL204")) == ["WL204"]
    assert codes(wirelint.check(tmp_path, ignore=["WL201", "WL204"])) == ["WL203"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_check_respects_gitignore_in_a_repository(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "generated/\nscratch.py\n")
    kept = write(tmp_path / "kept.py", MISSING_TIMEOUT)
    write(tmp_path / "scratch.py", MISSING_TIMEOUT)
    write(tmp_path / "generated" / "client.py", MISSING_TIMEOUT)
    assert [Path(d.path) for d in wirelint.check(tmp_path)] == [kept]


def test_missing_paths_raise_path_not_found_naming_each(tmp_path: Path) -> None:
    real = write(tmp_path / "real.py", MISSING_TIMEOUT)
    gone = str(tmp_path / "gone.py")
    absent = str(tmp_path / "absent")
    with pytest.raises(wirelint.PathNotFoundError) as caught:
        wirelint.check([real, gone, absent])
    error = caught.value
    assert isinstance(error, wirelint.CheckError)
    assert error.paths == (gone, absent)
    assert gone in error.message
    assert absent in error.message
    # As on the command line, the paths that exist are checked: here are their findings.
    assert [(Path(d.path), d.code) for d in error.diagnostics] == [(real, "WL203")]
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.paths, copy.message, copy.diagnostics) == (
        type(error),
        error.paths,
        error.message,
        error.diagnostics,
    )


def test_the_api_and_the_command_line_agree_on_a_missing_path(
    tmp_path: Path, wirelint_executable: str
) -> None:
    real = write(tmp_path / "a.py", MISSING_TIMEOUT)
    cli = subprocess.run(
        [wirelint_executable, "check", "--no-cache", "--output-format", "json", "a.py", "nope.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=wirelint_environment(),
        timeout=60,
        check=False,
    )
    assert cli.returncode == 2
    assert "error: path `nope.py` does not exist" in cli.stderr
    with pytest.raises(wirelint.PathNotFoundError) as caught:
        wirelint.check([real, tmp_path / "nope.py"])
    found_by_cli = [(item["code"], item["location"]["row"]) for item in json.loads(cli.stdout)]
    found_by_api = [(d.code, d.line) for d in caught.value.diagnostics]
    assert found_by_api == found_by_cli == [("WL203", 2)]


def test_an_empty_path_is_missing_as_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wirelint_executable: str
) -> None:
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(wirelint.PathNotFoundError) as caught:
        wirelint.check("")
    assert caught.value.paths == ("",)
    assert caught.value.message == 'an empty path (`""`) names no file'
    cli = subprocess.run(
        [wirelint_executable, "check", ""], capture_output=True, text=True, timeout=60, check=False
    )
    assert cli.returncode == 2


def test_a_path_no_file_system_can_hold_is_not_found() -> None:
    with pytest.raises(wirelint.PathNotFoundError) as caught:
        wirelint.check(["\ud800.py"])
    assert caught.value.paths == ("\ud800.py",)


def test_a_path_that_cannot_be_searched_raises_with_the_other_findings(tmp_path: Path) -> None:
    checked = write(tmp_path / "a.py", MISSING_TIMEOUT)
    with pytest.raises(wirelint.WirelintError) as caught:
        wirelint.check([tmp_path, "bad\0path"])
    error = caught.value
    # The message escapes the NUL, as every message does with control characters.
    assert "bad\\x00path" in error.message
    if isinstance(error, wirelint.CheckError):
        assert error.path == "bad\0path"
        assert [(Path(d.path), d.code) for d in error.diagnostics] == [(checked, "WL203")]


def test_unreadable_file_is_a_diagnostic_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\n")
    (diagnostic,) = wirelint.check(tmp_path)
    assert diagnostic.code == "WL002"


def test_error_hierarchy() -> None:
    for error_class in (wirelint.ConfigError, wirelint.PathNotFoundError, wirelint.CheckError):
        assert issubclass(error_class, wirelint.WirelintError)
    assert issubclass(wirelint.WirelintError, Exception)
    error = wirelint.CheckError("a.py: crashed", "a.py")
    assert (error.message, error.path, error.diagnostics) == ("a.py: crashed", "a.py", ())


# The GIL


def test_check_releases_the_gil_while_rust_works(tmp_path: Path) -> None:
    helpers = "\n".join(
        f"def helper_{index}(values):\n"
        f"    total = 0\n"
        f"    for value in values:\n"
        f"        if value % {index + 2} == 0:\n"
        f"            total += value * {index}\n"
        f"    return total\n"
        for index in range(20)
    )
    file_count = 1500
    for index in range(file_count):
        write(
            tmp_path / f"d{index % 10}" / f"m{index}.py",
            f"import requests\n\n{helpers}\n\ndef fetch(url):\n    return requests.get(url)\n",
        )

    window: dict[str, float] = {}
    found: list[wirelint.Diagnostic] = []

    def run_check() -> None:
        window["start"] = time.perf_counter()
        found.extend(wirelint.check(tmp_path, select="WL203"))
        window["end"] = time.perf_counter()

    worker = threading.Thread(target=run_check)
    stamps: list[float] = []
    worker.start()
    while worker.is_alive():
        now = time.perf_counter()
        if not stamps or now - stamps[-1] >= 0.0005:
            stamps.append(now)
    worker.join()

    assert len(found) == file_count
    # Holding the GIL through the Rust call would freeze this thread for the
    # whole middle of the call; with it released, this thread keeps running.
    start, end = window["start"], window["end"]
    quarter = (end - start) / 4
    during_middle = [stamp for stamp in stamps if start + quarter <= stamp <= end - quarter]
    assert during_middle, f"main thread made no progress during a {end - start:.3f}s check"


# Robustness and the command line


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deep_nesting_does_not_crash_even_on_a_worker_thread() -> None:
    code = textwrap.dedent(
        """\
        import threading, wirelint
        source = "x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\\n"
        results = []
        thread = threading.Thread(target=lambda: results.append(wirelint.check_source(source)))
        thread.start()
        thread.join()
        results.append(wirelint.check_source("[" * 50_000))
        print("survived", len(results))
        """
    )
    completed = run_python(code)
    assert completed.returncode == 0, completed.stderr
    assert "survived 2" in completed.stdout


def test_python_dash_m_wirelint_version() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "wirelint", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert wirelint.__version__ in completed.stdout


def test_python_dash_m_wirelint_checks_files(tmp_path: Path) -> None:
    dirty = write(tmp_path / "dirty.py", MISSING_TIMEOUT)
    clean = write(tmp_path / "clean.py", "x = 1\n")
    run = [sys.executable, "-m", "wirelint", "check"]
    environment = wirelint_environment()

    found = subprocess.run(
        [*run, str(dirty)], capture_output=True, text=True, env=environment, timeout=60
    )
    assert found.returncode == 1, found.stderr
    assert "WL203" in found.stdout

    nothing = subprocess.run(
        [*run, str(clean)], capture_output=True, text=True, env=environment, timeout=60
    )
    assert nothing.returncode == 0, nothing.stderr


def test_cli_output_keeps_its_place_among_python_prints() -> None:
    # stdout is a pipe here, so Python buffers it; the CLI writes to the file
    # descriptor directly, after Python's pending output has been flushed.
    code = textwrap.dedent(
        """\
        from wirelint import _core
        print("before")
        status = _core.main(["wirelint", "--version"])
        print("after", status)
        """
    )
    completed = run_python(code)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "before"
    assert wirelint.__version__ in lines[1]
    assert lines[2] == "after 0"


def test_console_script_is_installed() -> None:
    script = shutil.which("wirelint", path=os.path.dirname(sys.executable))
    assert script is not None, "the wirelint console script is not installed beside python"
    completed = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert wirelint.__version__ in completed.stdout


# The package itself


def test_public_names() -> None:
    for name in wirelint.__all__:
        assert hasattr(wirelint, name), name
    assert wirelint.__version__ == _core.__version__
    assert wirelint.__version__.count(".") == 2


def test_core_stub_matches_the_extension_module() -> None:
    # mypy's own checker of stubs against the runtime module.
    completed = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "wirelint._core", "--concise"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert resources.files("wirelint").joinpath("py.typed").is_file()


def assert_fields_have_their_types(record: object) -> None:
    """Every field of a record holds a value of its annotated type, recursively."""
    hints = typing.get_type_hints(type(record))
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, field.name)
        hint = hints[field.name]
        if dataclasses.is_dataclass(value):
            assert_fields_have_their_types(value)
        origin = typing.get_origin(hint)
        if origin is typing.Literal:
            assert value in typing.get_args(hint), (field.name, value)
        elif origin is tuple:
            (item,) = {arg for arg in typing.get_args(hint) if arg is not Ellipsis}
            assert all(isinstance(element, item) for element in value), field.name
            for element in value:
                assert_fields_have_their_types(element)
        elif origin in (typing.Union, types.UnionType):
            allowed = tuple(arg for arg in typing.get_args(hint) if arg is not type(None))
            assert value is None or isinstance(value, allowed), (field.name, value)
        else:
            assert isinstance(value, hint), (field.name, value, hint)


def test_records_built_in_rust_match_their_definition(tmp_path: Path) -> None:
    # The records are defined once, in Python; the extension fills them by field name.
    source = "import httpx\nimport requests\nhttpx.get(u, timeout=5)\nrequests.get(u)\n"
    from_source = wirelint.check_source(source)
    from_files = wirelint.check(write(tmp_path / "a.py", source))
    assert [d.fix is None for d in from_source] == [False, True]
    for diagnostic in [*from_source, *from_files]:
        assert type(diagnostic) is wirelint.Diagnostic
        assert_fields_have_their_types(diagnostic)
    fix = from_source[0].fix
    assert fix is not None
    assert type(fix) is wirelint.Fix and type(fix.edits[0]) is wirelint.Edit
