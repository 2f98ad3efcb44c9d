"""`--fix` never loses anyone's edit and never changes what a file is besides its text.

A writer edits the file while `--fix` runs; files owned by someone else, read-only or
hard-linked files; very long names; and `kill -9` in the middle of a run.

The race test's size comes from `WIRELINT_RACE_ITERATIONS` (per writer style; default 40,
for CI). Run it by hand with more, e.g.
`WIRELINT_RACE_ITERATIONS=1000 pytest -s tests/test_fix_safety.py -k race`: it prints how
many writes were lost, how often the run left the file alone, and how often the edit came
before or after the run.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Run, write

ITERATIONS = int(os.environ.get("WIRELINT_RACE_ITERATIONS", "40"))

# One WL201 (safe fix) and a marker line saying whose version it is.
VERSION = """\
import httpx
MARKER = "{marker}"
httpx.get(url, timeout=5)
"""
FIXED_CALL = "httpx.get(url, timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))"

SCALAR = "import httpx\nhttpx.get(url, timeout=5)\n"
SCALAR_FIXED = f"import httpx\n{FIXED_CALL}\n"


def write_in_place(path: Path, text: str) -> None:
    """As `open(path, "w")` and most scripts do: truncate, then write."""
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def replace_atomically(path: Path, text: str) -> None:
    """As editors that save through a temporary file and a rename do."""
    saving = path.with_name(f".{path.name}.saving")
    saving.write_text(text, encoding="utf-8")
    os.replace(saving, path)


def fix_command(executable: str, path: Path) -> list[str]:
    return [executable, "check", "--fix", "--no-cache", "--isolated", "--quiet", str(path)]


@pytest.mark.parametrize(
    "writer", [write_in_place, replace_atomically], ids=["in-place", "atomic-replace"]
)
def test_race_a_concurrent_edit_is_never_lost(
    wirelint_executable: str, tmp_path: Path, writer: Callable[[Path, str], None]
) -> None:
    path = tmp_path / "app.py"
    command = fix_command(wirelint_executable, path)
    # How long a run takes here, so the edits land all over it.
    durations = []
    for _ in range(5):
        write(path, VERSION.format(marker="calibration"))
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, timeout=60)
        durations.append(time.perf_counter() - start)
    latest_edit = 1.5 * statistics.median(durations)

    rng = random.Random(20_251_207)
    lost: list[int] = []
    outcomes: Counter[str] = Counter()
    for iteration in range(ITERATIONS):
        original = VERSION.format(marker=f"original {iteration}")
        edit = VERSION.format(marker=f"edited {iteration}")
        write(path, original)
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        time.sleep(rng.uniform(0, latest_edit))
        writer(path, edit)
        _, stderr = process.communicate(timeout=60)
        final = path.read_text(encoding="utf-8")
        if f"original {iteration}" in final:
            lost.append(iteration)
            outcomes["lost"] += 1
        elif "changed while it was being fixed" in stderr:
            assert process.returncode == 2, stderr
            assert final == edit
            outcomes["left alone, exit 2"] += 1
        elif final == edit:
            # The edit came after the fixed file was in place.
            assert process.returncode == 0, stderr
            outcomes["edit after the fix"] += 1
        else:
            # The edit came before the file was read: its fix is what is there.
            assert final == edit.replace("httpx.get(url, timeout=5)", FIXED_CALL), final
            outcomes["edit before the read, fixed"] += 1
    print(
        f"\n--fix race, {writer.__name__}: {len(lost)} of {ITERATIONS} edits lost "
        f"({len(lost) / ITERATIONS:.2%}); {dict(outcomes)}; "
        f"a run takes {statistics.median(durations) * 1000:.1f} ms"
    )
    assert lost == [], f"edits overwritten by --fix in iterations {lost}"


def test_an_owner_group_and_mode_are_kept(run: Run, tmp_path: Path) -> None:
    app = write(tmp_path / "app.py", SCALAR)
    app.chmod(0o660)
    if os.geteuid() == 0:
        # `sudo wirelint check --fix` on another user's file.
        os.chown(app, 65534, 65534)
    before = app.stat()
    result = run("check", "--fix", "--no-cache", "app.py")
    assert result.returncode == 0, result.stderr
    after = app.stat()
    assert app.read_text() == SCALAR_FIXED
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert after.st_mode == before.st_mode


def test_a_read_only_file_is_refused_with_a_message(run: Run, tmp_path: Path) -> None:
    app = write(tmp_path / "app.py", SCALAR)
    app.chmod(0o444)
    result = run("check", "--fix", "--no-cache", "app.py")
    assert result.returncode == 2
    assert "error: left `app.py` unfixed: it is read-only (mode 0444)" in result.stderr
    assert app.read_text() == SCALAR
    assert app.stat().st_mode & 0o777 == 0o444


def test_a_hard_linked_file_is_refused_and_its_names_stay_one_file(
    run: Run, tmp_path: Path
) -> None:
    app = write(tmp_path / "app.py", SCALAR)
    other = tmp_path / "backup.py"
    os.link(app, other)
    result = run("check", "--fix", "--no-cache", "app.py")
    assert result.returncode == 2
    assert "it has 2 hard links, and rewriting it would separate them" in result.stderr
    assert app.read_text() == other.read_text() == SCALAR
    assert app.stat().st_ino == other.stat().st_ino


def test_a_very_long_file_name_is_fixed(run: Run, tmp_path: Path) -> None:
    name = "n" * 243 + ".py"
    app = write(tmp_path / name, SCALAR)
    result = run("check", "--fix", "--no-cache", name)
    assert result.returncode == 0, result.stderr
    assert app.read_text() == SCALAR_FIXED
    assert sorted(path.name for path in tmp_path.iterdir()) == [name]


def stale_temporary_files(directory: Path) -> list[str]:
    return sorted(
        path.name
        for path in directory.iterdir()
        if ".wirelint-" in path.name and path.name[0] == "."
    )


def test_a_killed_run_truncates_nothing_and_its_leftovers_are_swept(
    wirelint_executable: str, run: Run, tmp_path: Path
) -> None:
    files = [write(tmp_path / f"d{index % 5}" / f"m{index}.py", SCALAR) for index in range(400)]
    rng = random.Random(7)
    for _ in range(5):
        process = subprocess.Popen(
            [wirelint_executable, "check", "--fix", "--no-cache", str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, 0.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path in files:
            assert path.read_text() in (SCALAR, SCALAR_FIXED), path
        for path in files:
            write(path, SCALAR)
    # What a run killed while writing leaves: a temporary file of a process that is gone.
    gone = subprocess.Popen(["true"])
    gone.wait()
    leftover = write(tmp_path / "d0" / f".m0.py.wirelint-{gone.pid}-0.tmp", SCALAR_FIXED)
    hour_ago = time.time() - 3600
    for directory in tmp_path.iterdir():
        for name in stale_temporary_files(directory):
            os.utime(directory / name, (hour_ago, hour_ago))
    result = run("check", "--fix", "--no-cache", ".")
    assert result.returncode == 0, result.stderr
    assert not leftover.exists()
    for directory in tmp_path.iterdir():
        assert stale_temporary_files(directory) == [], directory
    for path in files:
        assert path.read_text() == SCALAR_FIXED
