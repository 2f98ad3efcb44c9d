"""`python -m wirelint` and the `wirelint` console script: the Rust CLI, run in this process."""

from __future__ import annotations

import signal
import sys
import threading

from wirelint import _core


def main() -> int:
    """Runs the wirelint command line with this process's arguments; returns its exit code."""
    if threading.current_thread() is threading.main_thread():
        # The run happens in Rust, where Python's KeyboardInterrupt cannot reach:
        # let Ctrl-C stop the process at once, as it would a native command.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    # The program name is always "wirelint", also under `python -m wirelint`.
    return _core.main(["wirelint", *sys.argv[1:]])


if __name__ == "__main__":
    raise SystemExit(main())
