"""End-to-end tests of suppression (`# noqa`, WL003, `--add-noqa`) via the `wirelint` executable."""

from __future__ import annotations

from pathlib import Path

from helpers import CONCISE_LINE, Run, write

# WL203 (missing timeout) on line 5, WL204 (timeout disabled) on line 6.
TIMEOUTS = """\
import requests


def fetch(url: str) -> None:
    requests.get(url)
    requests.get(url, timeout=None)
"""


def findings(stdout: str) -> list[tuple[int, str]]:
    """(row, code) of every concise diagnostic line, in output order."""
    return [
        (int(match["row"]), match["code"])
        for line in stdout.splitlines()
        if (match := CONCISE_LINE.match(line))
    ]


def check(run: Run, *args: str | Path) -> tuple[int, list[tuple[int, str]]]:
    result = run("check", "--no-respect-gitignore", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, findings(result.stdout)


# ---- line directives -------------------------------------------------------


def test_unsuppressed_findings_are_reported(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", TIMEOUTS)
    assert check(run, "a.py") == (1, [(5, "WL203"), (6, "WL204")])


def test_noqa_with_a_code_silences_that_code_on_its_line(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "a.py",
        TIMEOUTS.replace("get(url)\n", "get(url)  # noqa: WL203\n").replace(
            "timeout=None)\n", "timeout=None)  # noqa: WL203\n"
        ),
    )
    assert check(run, "a.py") == (1, [(6, "WL204")])


def test_bare_noqa_silences_every_finding_on_its_line(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "a.py",
        "import requests\nrequests.get(u); requests.get(v, timeout=None)  # noqa\n",
    )
    result = run("check", "a.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed!" in result.stdout


def test_prefixes_and_case_are_accepted(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "a.py",
        "import requests\n"
        "requests.get(u)  # NOQA: wl2\n"
        "requests.get(u, timeout=None)  # noqa:WL20\n",
    )
    assert check(run, "a.py") == (0, [])


def test_other_tools_codes_do_not_silence_wirelint(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", "import requests\nrequests.get(u)  # noqa: E501, S113\n")
    assert check(run, "a.py") == (1, [(2, "WL203")])


def test_noqa_inside_a_string_is_not_a_directive(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", 'import requests\nrequests.get("# noqa: WL203")\n')
    assert check(run, "a.py") == (1, [(2, "WL203")])


def test_a_multi_line_finding_is_silenced_on_its_first_line(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "first.py", "import requests\nrequests.get(  # noqa: WL203\n    u,\n)\n")
    write(tmp_path / "last.py", "import requests\nrequests.get(\n    u,\n)  # noqa: WL203\n")
    assert check(run, "first.py") == (0, [])
    assert check(run, "last.py") == (1, [(2, "WL203")])


def test_syntax_errors_cannot_be_silenced(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", "# wirelint: noqa\ndef broken(:  # noqa\n    pass\n")
    code, found = check(run, "a.py")
    assert code == 1
    assert found and {finding[1] for finding in found} == {"WL001"}


# ---- file-level exemptions -------------------------------------------------


def test_wirelint_noqa_exempts_the_whole_file(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", "# wirelint: noqa\n" + TIMEOUTS)
    assert check(run, "a.py") == (0, [])


def test_wirelint_noqa_with_codes_exempts_only_those(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", TIMEOUTS + "# wirelint: noqa: WL204\n")
    assert check(run, "a.py") == (1, [(5, "WL203")])


def test_a_trailing_wirelint_noqa_is_not_a_file_exemption(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", "x = 1  # wirelint: noqa\n" + TIMEOUTS)
    assert check(run, "a.py") == (1, [(6, "WL203"), (7, "WL204")])


# ---- WL003 unused-noqa -----------------------------------------------------


def test_unused_noqa_is_reported_with_preview_only(run: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "a.py",
        "import requests\n"
        "requests.get(u, timeout=(3.05, 27))  # noqa: WL203, E501\n"
        "x = 1  # noqa\n"
        "requests.get(u)  # noqa: WL203\n",
    )
    assert check(run, "a.py") == (0, [])
    result = run("check", "--preview", "a.py")
    assert result.returncode == 1, result.stderr
    # The bare directive on line 3 may be another tool's: never reported.
    assert findings(result.stdout) == [(2, "WL003")]
    assert "Unused `noqa` directive (unused: `WL203`)" in result.stdout
    # Its fix is safe, so the concise format marks it.
    assert "WL003 [*]" in result.stdout


# ---- --add-noqa ------------------------------------------------------------


def test_add_noqa_silences_everything_and_a_second_run_adds_nothing(
    run: Run, tmp_path: Path
) -> None:
    path = write(tmp_path / "a.py", TIMEOUTS)
    result = run("check", "--add-noqa", "a.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added 2 noqa directives."
    assert path.read_text(encoding="utf-8") == TIMEOUTS.replace(
        "get(url)\n", "get(url)  # noqa: WL203\n"
    ).replace("timeout=None)\n", "timeout=None)  # noqa: WL204\n")
    assert check(run, "a.py") == (0, [])

    after_first = path.read_bytes()
    again = run("check", "--add-noqa", "a.py")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Added 0 noqa directives."
    assert path.read_bytes() == after_first


def test_add_noqa_merges_and_keeps_other_tools_codes(run: Run, tmp_path: Path) -> None:
    source = (
        "import requests\n"
        "requests.get(u)  # noqa: E501 -- long URL\r\n"
        "requests.get(u); requests.get(v, timeout=None)  # noqa: WL203\n"
        "requests.get(u)  # type: ignore[call-arg]\n"
    )
    path = write(tmp_path / "a.py", source)
    result = run("check", "--add-noqa", "a.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added 3 noqa directives."
    assert path.read_bytes().decode("utf-8") == (
        "import requests\n"
        "requests.get(u)  # noqa: E501, WL203 -- long URL\r\n"
        "requests.get(u); requests.get(v, timeout=None)  # noqa: WL203, WL204\n"
        "requests.get(u)  # type: ignore[call-arg]  # noqa: WL203\n"
    )
    assert check(run, "a.py") == (0, [])


def test_add_noqa_skips_a_line_ending_inside_a_multi_line_string(run: Run, tmp_path: Path) -> None:
    source = 'import requests\nrequests.get(u, data="""\n  payload\n""")\nrequests.get(u)\n'
    path = write(tmp_path / "a.py", source)
    result = run("check", "--add-noqa", "a.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added 1 noqa directive."
    assert "a.py:2: cannot add `# noqa: WL203`" in result.stderr
    assert "multi-line string" in result.stderr
    assert path.read_text(encoding="utf-8") == source.replace(
        "requests.get(u)\n", "requests.get(u)  # noqa: WL203\n"
    )
    # The skipped finding is still there; nothing else is.
    assert check(run, "a.py") == (1, [(2, "WL203")])


def test_add_noqa_keeps_file_permissions(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path / "script.py", TIMEOUTS)
    path.chmod(0o751)
    result = run("check", "--add-noqa", "script.py")
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o777 == 0o751
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["script.py"]


def test_add_noqa_with_a_missing_path_exits_2(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", TIMEOUTS)
    result = run("check", "--add-noqa", "a.py", "missing.py")
    assert result.returncode == 2
    assert "missing.py" in result.stderr
    assert "# noqa: WL203" in (tmp_path / "a.py").read_text(encoding="utf-8")
