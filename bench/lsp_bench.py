"""Benchmark of `wirelint server`: time to the `initialize` result, latency from a
`textDocument/didChange` to the `textDocument/publishDiagnostics` of that version on a
5,000-line file, and the server's peak memory before and after 10,000 edits of one document.

It talks to the server over stdio with a minimal JSON-RPC client of its own (no LSP library,
so the client adds as little time as possible) and reads memory from /proc. Results go to
bench/results/lsp.{json,md}. Run it by hand: `python bench/lsp_bench.py` (see --help)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # the corpus benchmark: build, machine and commit helpers

EXAMPLES_DIR = run.REPO_ROOT / "examples" / "payments_service"
DOCUMENT_LINES = 5_000
DOCUMENT_URI = "file:///wirelint-bench/service.py"
# The line each edit changes (a line of the filler at the end of the document).
EDITED_LINE = DOCUMENT_LINES - 1
# The aims: median didChange -> publishDiagnostics latency, and how much the peak RSS may
# grow over the memory run's edits and still count as flat.
LATENCY_BAR_MS = 30
PEAK_GROWTH_BAR = 0.05


class Server:
    """One `wirelint server` process and a blocking JSON-RPC client for it."""

    def __init__(self, command: list[str]) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=run.tool_environment(),
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: BinaryIO = self.process.stdin
        self.stdout: BinaryIO = self.process.stdout
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()

    def receive(self) -> dict[str, Any]:
        length = None
        while True:
            line = self.stdout.readline()
            if not line:
                raise run.BenchError("the server closed its output")
            if line == b"\r\n":
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length is None:
            raise run.BenchError("a message without Content-Length")
        message: dict[str, Any] = json.loads(self.stdout.read(length))
        return message

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise run.BenchError(f"{method} failed: {message['error']}")
                return message.get("result")
            if "id" in message and "method" in message:
                # A request from the server (registration, configuration): answer it.
                self.send({"id": message["id"], "result": None})

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def initialize(self) -> float:
        """Initializes; returns the seconds from the process start to the result."""
        self.request("initialize", {"processId": os.getpid(), "capabilities": {}})
        elapsed = time.perf_counter() - self.started
        self.notify("initialized", {})
        return elapsed

    def wait_for_diagnostics(self, version: int) -> list[Any]:
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params.get("version") == version:
                    diagnostics: list[Any] = params["diagnostics"]
                    return diagnostics
            elif "id" in message and "method" in message:
                self.send({"id": message["id"], "result": None})

    def memory_kib(self) -> dict[str, int]:
        """VmHWM (peak resident set) and VmRSS (resident now) of the server process."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                fields[name] = int(value.split()[0])
        return fields

    def close(self) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout=60)


def bench_document() -> str:
    """A 5,000-line module: the example service's files, over and over, then filler lines
    (`value_N = N`) up to exactly 5,000 lines. Deterministic, with real findings."""
    modules = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES_DIR.glob("*.py"))]
    lines: list[str] = []
    while True:
        for module in modules:
            module_lines = module.splitlines()
            if len(lines) + len(module_lines) > DOCUMENT_LINES - 100:
                filler = [f"value_{n} = {n}" for n in range(DOCUMENT_LINES - len(lines))]
                return "\n".join(lines + filler) + "\n"
            lines.extend(module_lines)


class Document:
    """The benchmark document open in a server, edited one character at a time."""

    def __init__(self, server: Server, text: str) -> None:
        self.server = server
        self.version = 1
        server.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": DOCUMENT_URI,
                    "languageId": "python",
                    "version": 1,
                    "text": text,
                }
            },
        )
        self.diagnostics = len(server.wait_for_diagnostics(1))
        # `value_N = N` on the edited line: its last character flips between two digits.
        self.edited = text.splitlines()[EDITED_LINE]
        self.digit = self.edited[-1]

    def edit(self) -> float:
        """Changes one character; returns the seconds until that version's diagnostics."""
        self.version += 1
        self.digit = "7" if self.digit != "7" else "8"
        character = len(self.edited) - 1
        start = {"line": EDITED_LINE, "character": character}
        end = {"line": EDITED_LINE, "character": character + 1}
        sent = time.perf_counter()
        self.server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": DOCUMENT_URI, "version": self.version},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": self.digit}],
            },
        )
        diagnostics = self.server.wait_for_diagnostics(self.version)
        elapsed = time.perf_counter() - sent
        if len(diagnostics) != self.diagnostics:
            raise run.BenchError(
                f"version {self.version}: {len(diagnostics)} diagnostics, not {self.diagnostics}"
            )
        return elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_initialize(label: str, command: list[str], runs: int) -> dict[str, Any]:
    samples = []
    for _ in range(runs):
        server = Server(command)
        samples.append(server.initialize())
        server.close()
    return {
        "label": label,
        "command": " ".join([Path(command[0]).name, *command[1:]]),
        "runs": runs,
        "median_ms": statistics.median(samples) * 1000,
        "min_ms": min(samples) * 1000,
        "max_ms": max(samples) * 1000,
        "samples_ms": [round(sample * 1000, 3) for sample in samples],
    }


def time_edits(command: list[str], text: str, rounds: int, edits: int) -> dict[str, Any]:
    server = Server(command)
    server.initialize()
    document = Document(server, text)
    for _ in range(20):
        document.edit()
    per_round = []
    for _ in range(rounds):
        per_round.append([document.edit() for _ in range(edits)])
    exit_code = server.close()
    everything = [sample for samples in per_round for sample in samples]
    return {
        "document_lines": DOCUMENT_LINES,
        "diagnostics_per_version": document.diagnostics,
        "rounds": rounds,
        "edits_per_round": edits,
        "median_ms": statistics.median(everything) * 1000,
        "p90_ms": percentile(everything, 0.9) * 1000,
        "min_ms": min(everything) * 1000,
        "max_ms": max(everything) * 1000,
        "round_medians_ms": [round(statistics.median(s) * 1000, 3) for s in per_round],
        "server_exit_code": exit_code,
    }


def measure_memory(command: list[str], text: str, edits: int) -> dict[str, Any]:
    server = Server(command)
    server.initialize()
    document = Document(server, text)
    # The kernel updates VmHWM lazily, so the peak is also tracked here from the resident
    # set read after every edit.
    peak = 0

    def sample() -> dict[str, int]:
        nonlocal peak
        memory = server.memory_kib()
        peak = max(peak, memory["VmHWM"], memory["VmRSS"])
        return {"peak": peak, "rss": memory["VmRSS"]}

    for _ in range(500):
        document.edit()
        sample()
    before = sample()
    checkpoints = []
    for index in range(1, edits + 1):
        document.edit()
        now = sample()
        if index % (edits // 10) == 0:
            checkpoints.append({"edits": index, **now})
    after = sample()
    server.close()
    return {
        "warm_up_edits": 500,
        "edits": edits,
        "before_kib": before,
        "after_kib": after,
        "peak_ratio": after["peak"] / before["peak"],
        "checkpoints": checkpoints,
    }


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def markdown(report: dict[str, Any]) -> str:
    latency = report["latency"]
    memory = report["memory"]
    machine = report["machine"]
    rows = [
        "| Measure | Result |",
        "|---|---:|",
    ]
    for startup in report["initialize"]:
        rows.append(
            f"| Start to `initialize` result, {startup['label']} (`{startup['command']}`), "
            f"median of {startup['runs']} | {startup['median_ms']:.1f} ms "
            f"(min {startup['min_ms']:.1f}, max {startup['max_ms']:.1f}) |"
        )
    rows += [
        f"| `didChange` → `publishDiagnostics`, {latency['document_lines']:,}-line file, median "
        f"of {latency['rounds']} x {latency['edits_per_round']} edits | "
        f"**{latency['median_ms']:.2f} ms** (p90 {latency['p90_ms']:.2f}, "
        f"min {latency['min_ms']:.2f}, max {latency['max_ms']:.2f}; round medians "
        f"{', '.join(f'{m:.2f}' for m in latency['round_medians_ms'])}) |",
        f"| Peak RSS after opening it and {memory['warm_up_edits']} edits | "
        f"{memory['before_kib']['peak'] / 1024:.1f} MiB |",
        f"| Peak RSS after {memory['edits']:,} more edits | "
        f"{memory['after_kib']['peak'] / 1024:.1f} MiB (**{memory['peak_ratio']:.2f}x**) |",
        f"| RSS now, before / after the {memory['edits']:,} edits | "
        f"{memory['before_kib']['rss'] / 1024:.1f} / "
        f"{memory['after_kib']['rss'] / 1024:.1f} MiB |",
    ]
    checkpoints = ", ".join(
        f"{c['edits']:,}: {c['peak'] / 1024:.1f}" for c in memory["checkpoints"]
    )
    notes = [
        "",
        f"- Each edit changes one character and waits for the diagnostics of its version "
        f"({latency['diagnostics_per_version']} per version) before the next: this is latency, "
        "not throughput. The document is the example service's modules repeated, then filler "
        "lines, 5,000 lines in all.",
        f"- Peak RSS (MiB) every {memory['edits'] // 10:,} edits: {checkpoints}. The peak is the "
        "larger of the kernel's VmHWM and the resident set read after every edit.",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB "
        f"RAM, {machine['os']} (Linux {machine['kernel']}); {machine['rustc']}; wirelint commit "
        f"{report['wirelint_commit']}; {report['date']}.",
        f"- 1-minute load average {report['load_average'][0]:.2f} before, "
        f"{report['load_average'][1]:.2f} after.",
    ]
    if report["note"]:
        notes.append(f"- Note: {report['note']}")
    return "\n".join(rows + notes) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wirelint", type=Path, help="the wirelint binary (default: build it)")
    parser.add_argument("--no-build", action="store_true", help="use target/release/wirelint")
    parser.add_argument(
        "--console-script",
        type=Path,
        help="also time the start of this `wirelint` console script (the Python package's)",
    )
    parser.add_argument("--startup-runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edits-per-round", type=int, default=300)
    parser.add_argument("--memory-edits", type=int, default=10_000)
    parser.add_argument("--note", help="a remark stored with the results")
    parser.add_argument(
        "--check-bars",
        action="store_true",
        help=f"exit {run.EXIT_BARS_NOT_MET} unless the median latency is under "
        f"{LATENCY_BAR_MS} ms and peak RSS grew by at most "
        f"{PEAK_GROWTH_BAR * 100:.0f}%% over the edits",
    )
    parser.add_argument("--output", type=Path, default=run.RESULTS_DIR)
    args = parser.parse_args()

    try:
        if args.wirelint:
            binary = args.wirelint.resolve()
        elif args.no_build:
            binary = run.DEFAULT_WIRELINT
        else:
            binary = run.build_wirelint()
        command = [str(binary), "server"]
        text = bench_document()
        assert len(text.splitlines()) == DOCUMENT_LINES
        load_before = load_average()
        run.log("timing startup")
        startups = [time_initialize("binary", command, args.startup_runs)]
        if args.console_script:
            script = [str(args.console_script.resolve()), "server"]
            startups.append(time_initialize("console script", script, args.startup_runs))
        run.log("timing edits")
        latency = time_edits(command, text, args.rounds, args.edits_per_round)
        run.log(f"measuring memory over {args.memory_edits:,} edits")
        memory = measure_memory(command, text, args.memory_edits)
        report = {
            "date": run.now_iso(),
            "note": args.note,
            "machine": run.machine_info(),
            "wirelint_commit": run.git_commit(),
            "wirelint_version": run.tool_version(binary),
            "load_average": (load_before, load_average()),
            "initialize": startups,
            "latency": latency,
            "memory": memory,
        }
    except (run.BenchError, OSError, subprocess.SubprocessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return run.EXIT_ERROR
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "lsp.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = markdown(report)
    (args.output / "lsp.md").write_text(table, encoding="utf-8")
    print(table)
    met = latency["median_ms"] < LATENCY_BAR_MS and memory["peak_ratio"] <= 1 + PEAK_GROWTH_BAR
    print(
        f"Bars (median latency < {LATENCY_BAR_MS} ms, flat peak RSS): {'met' if met else 'NOT met'}"
    )
    return run.EXIT_BARS_NOT_MET if args.check_bars and not met else 0


if __name__ == "__main__":
    raise SystemExit(main())
