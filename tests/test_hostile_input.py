"""The `wirelint` command on hostile input: special files where files are read, closed
standard streams, nesting too deep to check, oversized files, and file names or code
that try to forge output lines or terminal escapes. Nothing hangs, nothing passes as
clean unchecked, and every failure is an error that says what went wrong."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Run, wirelint_environment, write

MISSING_TIMEOUT = "import requests\nrequests.get(url)\n"

needs_fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


@needs_fifos
def test_a_fifo_or_device_as_config_or_argument_file_is_an_error_not_a_hang(
    run: Run, tmp_path: Path
) -> None:
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    os.mkfifo(tmp_path / "fifo.toml")
    os.mkfifo(tmp_path / "files.txt")
    os.symlink("/dev/zero", tmp_path / "zero.toml")
    for args, expected in [
        (["--config", "fifo.toml"], "it is a FIFO (named pipe), not a regular file"),
        (["--config", "zero.toml"], "it is a character device, not a regular file"),
        (["@files.txt"], "argument file `files.txt` (from `@files.txt`): it is a FIFO"),
    ]:
        # The fixture's timeout would turn a hang into a failure.
        result = run("check", "--no-cache", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_shell_process_substitution_is_an_argument_file(
    wirelint_executable: str, tmp_path: Path
) -> None:
    # `@<(command)`: bash hands wirelint `/dev/fd/63`, a pipe whose writer is the command.
    # The command writes after a pause, so the list is read as it arrives, not before.
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    write(tmp_path / "b.py", MISSING_TIMEOUT)
    script = '"$0" check --no-cache --output-format concise @<(sleep 0.2; printf "a.py\\n")'
    result = subprocess.run(
        ["bash", "-c", script, wirelint_executable],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=wirelint_environment(),
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": WL" in line] == ["a.py"]


def test_a_huge_configuration_file_is_refused_unread(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    padding = "# " + "x" * 98 + "\n"
    write(tmp_path / "pyproject.toml", "[tool.wirelint]\n" + padding * 20_000)
    result = run("check", "--no-cache", "a.py")
    assert result.returncode == 2
    assert "pyproject.toml: cannot read the configuration file: it is too large" in result.stderr


@needs_fifos
def test_a_fifo_as_a_cache_entry_is_a_miss_not_a_hang(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    first = run("check")
    assert first.returncode == 1
    entries = [path for path in (tmp_path / ".wirelint_cache").rglob("*") if path.is_file()]
    entries = [path for path in entries if len(path.name) == 30]
    assert len(entries) == 1
    entries[0].unlink()
    os.mkfifo(entries[0])
    again = run("check")
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    assert entries[0].is_file(), "the entry was written anew"


@needs_fifos
def test_a_fifo_as_gitignore_stops_that_directory_not_the_run(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    write(tmp_path / "sub" / "b.py", MISSING_TIMEOUT)
    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / "sub" / ".gitignore")
    result = run("check", "--no-cache")
    assert result.returncode == 2
    assert "sub/.gitignore` is a FIFO (named pipe), not a regular file" in result.stderr
    assert result.stdout.startswith("a.py:2:1: WL203")


def run_in_shell(command: list[str], redirect: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Runs `command` through `sh -c` with `redirect` applied (such as `<&-`)."""
    quoted = " ".join(f"'{part}'" for part in command)
    return subprocess.run(
        ["sh", "-c", f"exec {quoted} {redirect}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=wirelint_environment(),
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("launcher", ["script", "module"])
def test_closed_standard_input_or_output_is_an_error(
    wirelint_executable: str, tmp_path: Path, launcher: str
) -> None:
    write(tmp_path / "a.py", MISSING_TIMEOUT)
    program = [wirelint_executable] if launcher == "script" else [sys.executable, "-m", "wirelint"]
    no_input = run_in_shell([*program, "check", "-"], "<&-", tmp_path)
    assert no_input.returncode == 2, no_input.stdout + no_input.stderr
    assert "standard input is closed" in no_input.stderr
    assert "All checks passed" not in no_input.stdout
    no_output = run_in_shell([*program, "check", "a.py"], ">&-", tmp_path)
    assert no_output.returncode == 2, no_output.stderr
    assert "standard output is closed" in no_output.stderr
    # /dev/null is a place to write to, and an empty input an empty file.
    to_null = subprocess.run(
        [*program, "check", "a.py"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=wirelint_environment(),
        timeout=120,
        check=False,
    )
    assert to_null.returncode == 1, to_null.stderr
    from_null = run_in_shell([*program, "check", "-"], "</dev/null", tmp_path)
    assert from_null.returncode == 0, from_null.stderr


def test_nesting_too_deep_to_check_is_reported_never_clean(run: Run, tmp_path: Path) -> None:
    depth = 4_100
    write(
        tmp_path / "lists.py",
        "import requests\nx = " + "[" * depth + "requests.get(u)" + "]" * depth,
    )
    quotes = ["'", '"']
    nested = "".join(f"f{quotes[level % 2]}{{" for level in range(300))
    closing = "".join(f"}}{quotes[level % 2]}" for level in reversed(range(300)))
    write(tmp_path / "fstrings.py", f"x = {nested}1{closing}\n")
    result = run("check", "--no-cache", "--output-format", "json")
    assert result.returncode == 1
    found = {(Path(item["filename"]).name, item["code"]) for item in json.loads(result.stdout)}
    assert found == {("lists.py", "WL001"), ("fstrings.py", "WL001")}


def test_a_file_too_large_to_check_is_reported_unread(run: Run, tmp_path: Path) -> None:
    big = tmp_path / "generated.py"
    with open(big, "w", encoding="utf-8") as file:
        line = "VALUES = [" + "1, " * 1_000 + "]\n"
        for _ in range(33 * 1024 * 1024 // len(line) + 1):
            file.write(line)
    result = run("check", "--no-cache", "generated.py")
    assert result.returncode == 1
    assert result.stdout.startswith(
        "generated.py:1:1: WL002 File is not checked: it is too large (33.0 MiB; the limit is "
        "32.0 MiB)"
    )


def test_full_output_clips_a_very_long_line(run: Run, tmp_path: Path) -> None:
    source = "import requests\n" + ";".join(["requests.get(u)"] * 5_000) + "\n"
    write(tmp_path / "one_line.py", source)
    result = run("check", "--no-cache", "--output-format", "full", "one_line.py")
    assert result.returncode == 1
    headers = [line for line in result.stdout.splitlines() if line.startswith("one_line.py:2:")]
    assert len(headers) == 5_000
    longest = max(len(line) for line in result.stdout.splitlines())
    assert longest < 250, longest
    # About 300 bytes a finding instead of the 80 KB line each time.
    assert len(result.stdout) < 5_000 * 400


@pytest.mark.skipif(sys.platform == "win32", reason="Unix file names")
def test_hostile_file_names_cannot_forge_lines_or_escapes(run: Run, tmp_path: Path) -> None:
    forged = "evil\nx.py:1:1: WL999 forged\x1b[2J.py"
    write(tmp_path / forged, MISSING_TIMEOUT)
    (tmp_path / os.fsdecode(b"x\xff.py")).write_text(MISSING_TIMEOUT)
    (tmp_path / os.fsdecode(b"x\xfe.py")).write_text(MISSING_TIMEOUT)
    for output_format in ("concise", "full", "pylint", "grouped", "github"):
        result = run("check", "--no-cache", "--output-format", output_format)
        assert result.returncode == 1, result.stderr
        output = result.stdout
        assert "\x1b" not in output, output_format
        assert not any(line.startswith("x.py:1:1: WL999") for line in output.splitlines())
        # GitHub's runner decodes `%0A` back into the name's newline.
        newline = "%0A" if output_format == "github" else "\\n"
        assert f"evil{newline}x.py" in output, output_format
        assert "x\\xff.py" in output and "x\\xfe.py" in output, output_format
    machine = run("check", "--no-cache", "--output-format", "json")
    names = sorted(Path(item["filename"]).name for item in json.loads(machine.stdout))
    assert names == sorted([forged, "x\\xfe.py", "x\\xff.py"])


def test_control_characters_in_code_are_escaped_in_shown_source(run: Run, tmp_path: Path) -> None:
    # A call whose text (quoted in the message) holds an escape sequence.
    write(tmp_path / "a.py", 'import requests\nrequests.get("\x1b[2J")\n')
    result = run("check", "--no-cache", "--output-format", "full")
    assert result.returncode == 1
    assert "\x1b" not in result.stdout
    assert "\\x1b[2J" in result.stdout
