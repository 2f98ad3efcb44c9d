"""Ctrl-C during `wirelint.check`: the exception arrives promptly, not when the whole run ends."""

from __future__ import annotations

import _thread
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import wirelint
from helpers import write

# Requests with proper timeouts (nothing to report, but every rule looks at them), then one
# call without a timeout: one WL203 per file.
SOURCE = (
    "import requests\n\n"
    + "".join(f"reply_{index} = requests.get(URL, timeout=(3.05, 27))\n" for index in range(400))
    + "requests.get(URL)\n"
)
# An uninterrupted check of the tree must take at least this long; the tree grows until it does.
MIN_FULL_SECONDS = 1.5
FIRST_FILE_COUNT = 2_000
MAX_FILE_COUNT = 100_000
# When the helper thread interrupts the main thread, counted from the start of the check.
INTERRUPT_AFTER_SECONDS = 0.2


@dataclass(frozen=True)
class SlowTree:
    root: Path
    file_count: int
    full_seconds: float


def write_files(root: Path, start: int, stop: int) -> None:
    """Files `start..stop` of the tree: hard links to one source file, so a
    large tree costs directory entries, not disk space."""
    original = root.parent / f"{root.name}-source.py"
    if not original.exists():
        write(original, SOURCE)
    for index in range(start, stop):
        path = root / f"d{index % 50}" / f"m{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(original, path)


@pytest.fixture(scope="module")
def slow_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlowTree]:
    """A tree that takes an uninterrupted check at least MIN_FULL_SECONDS, and that duration."""
    root = tmp_path_factory.mktemp("slow-tree")
    written = 0
    file_count = FIRST_FILE_COUNT
    while True:
        write_files(root, written, file_count)
        written = file_count
        start = time.perf_counter()
        diagnostics = wirelint.check(root, isolated=True)
        full_seconds = time.perf_counter() - start
        assert len(diagnostics) == written
        assert {diagnostic.code for diagnostic in diagnostics} == {"WL203"}
        if full_seconds >= MIN_FULL_SECONDS:
            break
        assert written < MAX_FILE_COUNT, (
            f"checking {written} files took only {full_seconds:.2f}s; cannot make it slow"
        )
        # Grow in proportion to the time missing, with some to spare.
        wanted = math.ceil(written * 1.3 * MIN_FULL_SECONDS / full_seconds)
        file_count = min(MAX_FILE_COUNT, max(wanted, written + 1))
    yield SlowTree(root, written, full_seconds)


@pytest.fixture(autouse=True)
def python_handles_ctrl_c() -> Iterator[None]:
    """Python's own SIGINT handler for each test, however the suite was started.

    A shell starts a background job with SIGINT ignored, and Python then installs no
    handler: `_thread.interrupt_main` does nothing and no KeyboardInterrupt comes.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def interrupt_main_later() -> threading.Timer:
    """Simulates Ctrl-C (SIGINT to the main thread) INTERRUPT_AFTER_SECONDS from now."""
    timer = threading.Timer(INTERRUPT_AFTER_SECONDS, _thread.interrupt_main)
    timer.start()
    return timer


def test_ctrl_c_stops_a_long_check_promptly(slow_tree: SlowTree) -> None:
    assert threading.current_thread() is threading.main_thread()
    timer = interrupt_main_later()
    start = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            wirelint.check(slow_tree.root, isolated=True)
        interrupted_seconds = time.perf_counter() - start
    finally:
        timer.join()

    assert interrupted_seconds < 0.5 * slow_tree.full_seconds, (
        f"interrupted after {INTERRUPT_AFTER_SECONDS}s, the check still took "
        f"{interrupted_seconds:.2f}s; uninterrupted it takes {slow_tree.full_seconds:.2f}s"
    )
    # The engine is left in working order.
    one_file = slow_tree.root / "d0" / "m0.py"
    assert [diagnostic.code for diagnostic in wirelint.check(one_file)] == ["WL203"]


class HandlerRaised(Exception):
    """What the test's own SIGINT handler raises."""


def test_a_signal_handlers_exception_stops_the_check(slow_tree: SlowTree) -> None:
    def handler(signum: int, frame: object) -> None:
        raise HandlerRaised(signum)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        timer = interrupt_main_later()
        start = time.perf_counter()
        try:
            with pytest.raises(HandlerRaised):
                wirelint.check(slow_tree.root, isolated=True)
            interrupted_seconds = time.perf_counter() - start
        finally:
            timer.join()
    finally:
        signal.signal(signal.SIGINT, previous)

    assert interrupted_seconds < 0.5 * slow_tree.full_seconds, (
        f"{interrupted_seconds:.2f}s of {slow_tree.full_seconds:.2f}s"
    )


def test_a_check_from_another_thread_runs_to_the_end(slow_tree: SlowTree) -> None:
    # Python runs signal handlers on the main thread only: a check elsewhere is not stopped,
    # and the interrupt reaches the main thread as soon as it runs Python code again.
    found: list[wirelint.Diagnostic] = []
    worker = threading.Thread(
        target=lambda: found.extend(wirelint.check(slow_tree.root, isolated=True))
    )
    worker.start()
    with pytest.raises(KeyboardInterrupt):
        _thread.interrupt_main()
        while worker.is_alive():
            time.sleep(0.01)
    worker.join()
    assert len(found) == slow_tree.file_count


def test_the_interrupt_tests_pass_when_started_with_sigint_ignored() -> None:
    # As `bash .ci/run &` starts pytest: SIGINT ignored before Python starts.
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{__file__}::test_ctrl_c_stops_a_long_check_promptly",
        ],
        cwd=Path(__file__).parent,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "1 passed" in completed.stdout
