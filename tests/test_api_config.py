"""Tests of `wirelint.check`'s configuration handling: discovery, `config=` and `isolated=`."""

from __future__ import annotations

from pathlib import Path

import pytest

import wirelint
from helpers import write

# WL201 on line 3, WL203 on line 4, WL204 on line 5.
TIMEOUTS = """\
import httpx
import requests
httpx.get(url, timeout=5)
requests.get(url)
requests.get(url, timeout=None)
"""


def found(diagnostics: list[wirelint.Diagnostic], root: Path) -> list[tuple[str, str]]:
    """(path relative to `root`, code) of each diagnostic."""
    return [
        (Path(diagnostic.path).relative_to(root).as_posix(), diagnostic.code)
        for diagnostic in diagnostics
    ]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose root configuration keeps WL203 only and whose `legacy/` keeps WL204 only."""
    write(tmp_path / "pyproject.toml", '[tool.wirelint]\nselect = ["WL203"]\n')
    write(tmp_path / "legacy" / "wirelint.toml", 'select = ["WL204"]\n')
    write(tmp_path / "ci" / "all-timeouts.toml", 'select = ["WL2"]\nignore = ["WL201"]\n')
    write(tmp_path / "app.py", TIMEOUTS)
    write(tmp_path / "legacy" / "old.py", TIMEOUTS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_discovers_the_closest_configuration(project: Path) -> None:
    assert found(wirelint.check(project), project) == [
        ("app.py", "WL203"),
        ("legacy/old.py", "WL204"),
    ]


def test_config_governs_every_file(project: Path) -> None:
    for config in (project / "ci" / "all-timeouts.toml", "ci/all-timeouts.toml"):
        assert found(wirelint.check(project, config=config), project) == [
            ("app.py", "WL203"),
            ("app.py", "WL204"),
            ("legacy/old.py", "WL203"),
            ("legacy/old.py", "WL204"),
        ]


def test_isolated_ignores_every_configuration(project: Path) -> None:
    codes = [code for path, code in found(wirelint.check(project, isolated=True), project)]
    assert codes == ["WL201", "WL203", "WL204"] * 2


def test_arguments_override_the_configuration(project: Path) -> None:
    assert found(wirelint.check(project / "app.py", select="WL201"), project) == [
        ("app.py", "WL201")
    ]
    assert found(wirelint.check(project, ignore=["WL203"]), project) == [("legacy/old.py", "WL204")]


def test_config_and_isolated_exclude_each_other(project: Path) -> None:
    with pytest.raises(wirelint.ConfigError, match="exclude each other"):
        wirelint.check(project, config="ci/all-timeouts.toml", isolated=True)


def test_a_missing_config_file_raises_config_error(project: Path) -> None:
    with pytest.raises(wirelint.ConfigError, match="does not exist") as raised:
        wirelint.check(project, config="nope.toml")
    assert str(project / "nope.toml") in raised.value.message


def test_a_bad_configuration_raises_naming_file_line_and_key(project: Path) -> None:
    bad = write(project / "legacy" / "wirelint.toml", 'select = ["WL204"]\nmax_retries = 3\n')
    with pytest.raises(wirelint.ConfigError) as raised:
        wirelint.check(project)
    assert raised.value.message == (
        f"{bad}:2:1: unknown key `max_retries` (did you mean `max-retries`?)"
    )
    assert isinstance(raised.value, wirelint.WirelintError)


def test_every_configuration_problem_is_in_the_message(project: Path) -> None:
    write(project / "wirelint.toml", 'preview = "no"\nselect = ["WL2011"]\n')
    with pytest.raises(wirelint.ConfigError) as raised:
        wirelint.check(project / "app.py")
    lines = raised.value.message.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith(":1:11: `preview` must be `true` or `false`, found a string")
    assert "unknown rule code `WL2011` in `select` (did you mean `WL201`?)" in lines[1]


def test_a_bad_root_configuration_raises_even_with_no_paths(project: Path) -> None:
    write(project / "pyproject.toml", "[tool.wirelint]\nselect = 3\n")
    with pytest.raises(wirelint.ConfigError, match="`select` must be a list"):
        wirelint.check([])
    assert wirelint.check([], isolated=True) == []


def test_per_file_ignores_and_exclusions_apply(project: Path) -> None:
    write(
        project / "pyproject.toml",
        "[tool.wirelint]\n"
        'extend-exclude = ["legacy"]\n'
        '[tool.wirelint.per-file-ignores]\n"tests/*" = ["WL2"]\n',
    )
    write(project / "tests" / "test_app.py", TIMEOUTS)
    codes = [code for path, code in found(wirelint.check(project), project)]
    assert codes == ["WL201", "WL203", "WL204"]
    assert {path for path, _ in found(wirelint.check(project), project)} == {"app.py"}
