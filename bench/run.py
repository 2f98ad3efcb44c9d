"""Benchmark harness: times `wirelint check` against Ruff on a pinned PyPI corpus."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PINS_FILE = BENCH_DIR / "corpus.txt"
CORPUS_DIR = BENCH_DIR / "corpus"
CORPUS_PACKAGES = CORPUS_DIR / "packages"
CORPUS_STAGING = CORPUS_DIR / "packages.partial"
MANIFEST_FILE = CORPUS_DIR / "manifest.json"
WORK_DIR = BENCH_DIR / ".work"
VENV_DIR = WORK_DIR / "venv"
RUFF_BINARY = VENV_DIR / "bin" / "ruff"
STDERR_FILE = WORK_DIR / "last-stderr.txt"
RESULTS_DIR = BENCH_DIR / "results"
PARTIAL_RESULTS_DIR = WORK_DIR / "results"
DEFAULT_WIRELINT = REPO_ROOT / "target" / "release" / "wirelint"

RUFF_VERSION = "0.17.6"
# Ruff rules that overlap with wirelint's policy (timeouts, blocking calls in
# async code, exception handling, logging, hard-coded secrets).
RUFF_RULES = (
    "S113",
    "ASYNC210",
    "ASYNC212",
    "BLE001",
    "TRY002",
    "TRY003",
    "TRY201",
    "TRY400",
    "G004",
    "S105",
    "S106",
)
DEFAULT_RUFF_ARGS = (
    "check --no-cache --isolated --select " + ",".join(RUFF_RULES) + " --exit-zero {corpus}"
)
# wirelint flags added to the default command line only when `wirelint check
# --help` lists them, so the harness keeps working while the CLI grows.
WIRELINT_OPTIONAL_FLAGS = ("--no-cache", "--isolated")
CORPUS_PLACEHOLDER = "{corpus}"
PYTHON_SUFFIXES = (".py", ".pyi")
# Environment variables that would change either tool's behaviour.
TOOL_ENV_PREFIXES = ("RUFF_", "WIRELINT_")
# A 1-minute load average above this means other work shares the cores.
BUSY_LOAD = 0.5
IDLE_POLL_SECONDS = 5.0
EXIT_BARS_NOT_MET = 1
EXIT_ERROR = 2


class BenchError(Exception):
    """A failure the harness reports as one precise message."""


@dataclass(frozen=True)
class Corpus:
    """The built corpus as recorded in its manifest."""

    pins: list[str]
    files: int
    lines: int


@dataclass(frozen=True)
class Tool:
    """One benchmarked command line."""

    name: str
    argv: list[str]
    version: str


@dataclass(frozen=True)
class Sample:
    """What one run of a tool cost."""

    wall_seconds: float
    cpu_seconds: float
    peak_rss_kib: int
    exit_code: int


# ---------------------------------------------------------------- helpers


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_quiet(argv: Sequence[str], *, cwd: Path | None = None) -> str:
    """Runs a setup command, returning stdout; raises BenchError on failure."""
    try:
        completed = subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BenchError(f"cannot run `{shlex.join(argv)}`: {error}") from error
    if completed.returncode != 0:
        output = (completed.stderr or completed.stdout).strip()
        raise BenchError(
            f"`{shlex.join(argv)}` exited with {completed.returncode}:\n{tail(output)}"
        )
    return completed.stdout


def tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


def read_pins(path: Path = PINS_FILE) -> list[str]:
    """Reads `name==version` lines, ignoring blanks and `#` comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BenchError(f"cannot read pin list {path}: {error}") from error
    pins: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition("==")
        if not separator or not name.strip() or not version.strip() or " " in line:
            raise BenchError(f"{path}:{number}: expected `name==version`, found {raw!r}")
        pins.append(line)
    if not pins:
        raise BenchError(f"{path} pins no packages")
    return pins


def count_lines(data: bytes) -> int:
    """Number of lines, counting a final line without a newline."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in PYTHON_SUFFIXES and p.is_file())


# ---------------------------------------------------------------- corpus


def python_tag() -> str:
    return f"cp{sys.version_info.major}{sys.version_info.minor}"


def load_manifest(manifest_file: Path = MANIFEST_FILE) -> dict[str, object] | None:
    try:
        loaded: object = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def corpus_from_manifest(
    manifest: dict[str, object], manifest_file: Path = MANIFEST_FILE
) -> Corpus:
    pins, files, lines = (
        manifest.get("pins"),
        manifest.get("files"),
        manifest.get("lines"),
    )
    if not (isinstance(pins, list) and isinstance(files, int) and isinstance(lines, int)):
        raise BenchError(f"{manifest_file} is malformed; rebuild with `corpus --rebuild`")
    return Corpus(pins=[str(pin) for pin in pins], files=files, lines=lines)


def build_corpus(
    *, rebuild: bool, pins_file: Path = PINS_FILE, corpus_dir: Path = CORPUS_DIR
) -> Corpus:
    """Installs the packages pinned in `pins_file` into `corpus_dir`/packages unless
    already there (the defaults are the bench corpus)."""
    packages_dir = corpus_dir / CORPUS_PACKAGES.name
    staging_dir = corpus_dir / CORPUS_STAGING.name
    manifest_file = corpus_dir / MANIFEST_FILE.name
    pins = read_pins(pins_file)
    manifest = load_manifest(manifest_file)
    if (
        not rebuild
        and manifest is not None
        and manifest.get("pins") == pins
        and manifest.get("python") == python_tag()
        and packages_dir.is_dir()
    ):
        corpus = corpus_from_manifest(manifest, manifest_file)
        log(f"corpus up to date: {corpus.files:,} files, {corpus.lines:,} lines")
        return corpus

    log(f"building corpus from {len(pins)} pinned packages (python {python_tag()})")
    corpus_dir.mkdir(parents=True, exist_ok=True)
    manifest_file.unlink(missing_ok=True)
    for stale in (staging_dir, packages_dir):
        if stale.exists():
            shutil.rmtree(stale)
    run_quiet(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--only-binary=:all:",
            "--no-compile",
            "--disable-pip-version-check",
            "--quiet",
            "--target",
            str(staging_dir),
            *pins,
        ]
    )
    # Console-script wrappers are written by pip, not shipped source.
    shutil.rmtree(staging_dir / "bin", ignore_errors=True)
    staging_dir.rename(packages_dir)

    per_package: dict[str, dict[str, int]] = {}
    total_files = total_lines = 0
    for path in python_files(packages_dir):
        lines = count_lines(path.read_bytes())
        top = path.relative_to(packages_dir).parts[0]
        entry = per_package.setdefault(top, {"files": 0, "lines": 0})
        entry["files"] += 1
        entry["lines"] += lines
        total_files += 1
        total_lines += lines
    manifest = {
        "pins": pins,
        "python": python_tag(),
        "built": now_iso(),
        "files": total_files,
        "lines": total_lines,
        "top_level": dict(sorted(per_package.items())),
    }
    manifest_file.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log(f"corpus built: {total_files:,} files, {total_lines:,} lines")
    return Corpus(pins=pins, files=total_files, lines=total_lines)


# ---------------------------------------------------------------- tools


def ensure_ruff() -> Path:
    """Installs the pinned Ruff into the bench venv unless it is already there."""
    if RUFF_BINARY.is_file() and tool_version(RUFF_BINARY) == f"ruff {RUFF_VERSION}":
        log(f"ruff {RUFF_VERSION} ready")
        return RUFF_BINARY
    log(f"installing ruff=={RUFF_VERSION} into {VENV_DIR.relative_to(REPO_ROOT)}")
    if not (VENV_DIR / "bin" / "python").is_file():
        run_quiet([sys.executable, "-m", "venv", str(VENV_DIR)])
    run_quiet(
        [
            str(VENV_DIR / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"ruff=={RUFF_VERSION}",
        ]
    )
    installed = tool_version(RUFF_BINARY)
    if installed != f"ruff {RUFF_VERSION}":
        raise BenchError(f"expected ruff {RUFF_VERSION} in the bench venv, found {installed!r}")
    return RUFF_BINARY


def build_wirelint() -> Path:
    log("building wirelint: cargo build --release -p wirelint_cli")
    run_quiet(["cargo", "build", "--release", "-p", "wirelint_cli"], cwd=REPO_ROOT)
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    binary = (REPO_ROOT / target_dir / "release" / "wirelint").resolve()
    if not binary.is_file():
        raise BenchError(f"the build succeeded but {binary} does not exist")
    return binary


def tool_version(binary: Path) -> str:
    try:
        return run_quiet([str(binary), "--version"]).strip()
    except BenchError:
        return "unknown"


def wirelint_default_args(binary: Path) -> str:
    try:
        help_text = run_quiet([str(binary), "check", "--help"])
    except BenchError as error:
        raise BenchError(f"`wirelint check --help` failed; is the CLI built?\n{error}") from error
    flags = [flag for flag in WIRELINT_OPTIONAL_FLAGS if flag in help_text]
    return shlex.join(["check", "--preview", "--exit-zero", *flags]) + f" {CORPUS_PLACEHOLDER}"


def command_line(binary: Path, args: str, corpus_path: Path) -> list[str]:
    """Splits `args` and substitutes the corpus path for the `{corpus}` token."""
    tokens = shlex.split(args)
    if CORPUS_PLACEHOLDER not in tokens:
        raise BenchError(f"tool arguments must contain a {CORPUS_PLACEHOLDER} token: {args!r}")
    return [
        str(binary),
        *(str(corpus_path) if t == CORPUS_PLACEHOLDER else t for t in tokens),
    ]


def visible_files(tool: Tool, corpus_path: Path) -> int | None:
    """How many Python files `check --isolated --show-files` lists, so the report shows
    whether both tools check the same tree; None when the tool cannot tell."""
    argv = [tool.argv[0], "check", "--isolated", "--show-files", str(corpus_path)]
    try:
        listing = run_quiet(argv)
    except BenchError as error:
        log(f"warning: cannot count the files {tool.name} checks: {error}")
        return None
    return sum(1 for line in listing.splitlines() if line.strip().endswith(PYTHON_SUFFIXES))


# ---------------------------------------------------------------- timing


def wait_for_idle(timeout_seconds: float) -> None:
    """Waits, up to the timeout, until the 1-minute load average drops below BUSY_LOAD."""
    deadline = time.monotonic() + timeout_seconds
    announced = False
    while os.getloadavg()[0] > BUSY_LOAD and time.monotonic() < deadline:
        if not announced:
            log(f"waiting up to {timeout_seconds:.0f} s for the machine to go idle")
            announced = True
        time.sleep(IDLE_POLL_SECONDS)


def tool_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(TOOL_ENV_PREFIXES)}


def measure(tool: Tool, environment: dict[str, str]) -> Sample:
    """Runs the tool once, stdout to /dev/null, and returns its wall time and rusage."""
    file_actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (
            os.POSIX_SPAWN_OPEN,
            2,
            str(STDERR_FILE),
            os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
            0o644,
        ),
    ]
    start = time.perf_counter()
    try:
        pid = os.posix_spawn(tool.argv[0], tool.argv, environment, file_actions=file_actions)
    except OSError as error:
        raise BenchError(f"cannot start {tool.name} ({tool.argv[0]}): {error}") from error
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    exit_code = os.waitstatus_to_exitcode(status)
    if exit_code not in (0, 1):
        stderr = STDERR_FILE.read_text(encoding="utf-8", errors="replace")
        raise BenchError(
            f"{tool.name} exited with {exit_code} (0 or 1 expected): "
            f"{shlex.join(tool.argv)}\n{tail(stderr)}"
        )
    return Sample(
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_kib=usage.ru_maxrss,  # KiB on Linux
        exit_code=exit_code,
    )


def time_tools(tools: list[Tool], runs: int) -> dict[str, list[Sample]]:
    """One warm-up per tool, then `runs` rounds whose order alternates (AB, BA, ...)."""
    environment = tool_environment()
    for tool in tools:
        warmup = measure(tool, environment)
        log(f"warm-up {tool.name}: {warmup.wall_seconds:.3f} s, exit {warmup.exit_code}")
    samples: dict[str, list[Sample]] = {tool.name: [] for tool in tools}
    for round_index in range(runs):
        order = tools if round_index % 2 == 0 else tools[::-1]
        timings = []
        for tool in order:
            sample = measure(tool, environment)
            samples[tool.name].append(sample)
            timings.append(f"{tool.name} {sample.wall_seconds:.3f} s")
        log(f"round {round_index + 1}/{runs}: " + ", ".join(timings))
    return samples


@dataclass(frozen=True)
class Summary:
    """One tool's samples reduced to the reported numbers."""

    median_wall_seconds: float
    min_wall_seconds: float
    max_wall_seconds: float
    median_cpu_seconds: float
    peak_rss_max_kib: int
    peak_rss_median_kib: int
    lines_per_second: float
    files_per_second: float


def summarize(samples: list[Sample], corpus: Corpus) -> Summary:
    walls = [s.wall_seconds for s in samples]
    rss = [s.peak_rss_kib for s in samples]
    median_wall = statistics.median(walls)
    return Summary(
        median_wall_seconds=median_wall,
        min_wall_seconds=min(walls),
        max_wall_seconds=max(walls),
        median_cpu_seconds=statistics.median(s.cpu_seconds for s in samples),
        peak_rss_max_kib=max(rss),
        peak_rss_median_kib=int(statistics.median(rss)),
        lines_per_second=corpus.lines / median_wall,
        files_per_second=corpus.files / median_wall,
    )


# ---------------------------------------------------------------- machine


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def first_field(path: Path, key: str, separator: str) -> str | None:
    """The value of the first `key<separator>value` line of a system file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        name, found, value = line.partition(separator)
        if found and name.strip() == key:
            return value.strip().strip('"')
    return None


def machine_info() -> dict[str, object]:
    memory_kib = first_field(Path("/proc/meminfo"), "MemTotal", ":")
    memory_gib = round(int(memory_kib.split()[0]) / 1024**2, 1) if memory_kib else None
    try:
        rustc = run_quiet(["rustc", "--version"]).strip()
    except BenchError:
        rustc = "unknown"
    return {
        "cpu": first_field(Path("/proc/cpuinfo"), "model name", ":") or platform.processor(),
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": memory_gib,
        "os": first_field(Path("/etc/os-release"), "PRETTY_NAME", "=") or platform.system(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "rustc": rustc,
    }


def git_commit() -> str:
    try:
        commit = run_quiet(["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"])
        changes = run_quiet(
            [
                "git",
                "--no-optional-locks",
                "-C",
                str(REPO_ROOT),
                "status",
                "--porcelain",
            ]
        )
    except BenchError:
        return "unknown"
    return commit.strip() + ("-dirty" if changes.strip() else "")


# ---------------------------------------------------------------- report


def display_command(tool: Tool) -> str:
    """The command line with the binary's bare name and the repo-relative corpus."""
    corpus = str(CORPUS_PACKAGES)
    shown = [tool.name] + [
        str(CORPUS_PACKAGES.relative_to(REPO_ROOT)) if arg == corpus else arg
        for arg in tool.argv[1:]
    ]
    return shlex.join(shown)


@dataclass(frozen=True)
class Report:
    """Everything one benchmark run found, ready to be written as JSON or Markdown."""

    date: str
    note: str | None
    machine: dict[str, object]
    wirelint_commit: str
    corpus: Corpus
    files_seen: dict[str, int | None]
    runs: int
    load_average: tuple[float, float]
    tools: list[Tool]
    samples: dict[str, list[Sample]]
    summaries: dict[str, Summary]

    def ratios(self) -> tuple[float, float] | None:
        """wirelint/Ruff median wall time and max peak RSS, when both tools ran."""
        ours, theirs = self.summaries.get("wirelint"), self.summaries.get("ruff")
        if ours is None or theirs is None:
            return None
        return (
            ours.median_wall_seconds / theirs.median_wall_seconds,
            ours.peak_rss_max_kib / theirs.peak_rss_max_kib,
        )

    def bars_met(self) -> dict[str, bool] | None:
        ratios = self.ratios()
        if ratios is None:
            return None
        wall, rss = ratios
        return {
            "median_wall_at_most_ruff": wall <= 1.0,
            "peak_rss_at_most_ruff": rss <= 1.0,
        }

    def to_json(self) -> dict[str, object]:
        ratios = self.ratios()
        return {
            "date": self.date,
            "note": self.note,
            "machine": self.machine,
            "wirelint_commit": self.wirelint_commit,
            "corpus": {
                "pins": self.corpus.pins,
                "files": self.corpus.files,
                "lines": self.corpus.lines,
            },
            "runs": self.runs,
            "load_average_1min": {
                "before": self.load_average[0],
                "after": self.load_average[1],
            },
            "tools": {
                tool.name: {
                    "version": tool.version,
                    "files_seen": self.files_seen[tool.name],
                    "command": display_command(tool),
                    **asdict(self.summaries[tool.name]),
                    "samples": [asdict(sample) for sample in self.samples[tool.name]],
                }
                for tool in self.tools
            },
            "ratio": None
            if ratios is None
            else {"median_wall": ratios[0], "peak_rss_max": ratios[1]},
            "bars": self.bars_met(),
        }

    def to_markdown(self) -> str:
        out = [f"> {self.note}", ""] if self.note else []
        header = (
            "| Tool | Median wall | Min wall | Lines/s (median) | Peak RSS (max) "
            "| Peak RSS (median) | CPU user+sys (median) |"
        )
        out += [header, "|---|---:|---:|---:|---:|---:|---:|"]
        for tool in self.tools:
            summary = self.summaries[tool.name]
            version = tool.version.removeprefix(tool.name).strip()
            cells = [
                f"{tool.name} {version}",
                f"{summary.median_wall_seconds:.3f} s",
                f"{summary.min_wall_seconds:.3f} s",
                f"{summary.lines_per_second / 1e6:.2f} M",
                mib(summary.peak_rss_max_kib),
                mib(summary.peak_rss_median_kib),
                f"{summary.median_cpu_seconds:.2f} s",
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        ratios, bars = self.ratios(), self.bars_met()
        if ratios is not None and bars is not None:
            verdict = "met" if all(bars.values()) else "not met"
            out.append(
                f"wirelint / Ruff: median wall time **{ratios[0]:.2f}x**, "
                f"peak RSS **{ratios[1]:.2f}x**. "
                f"Bars (median wall time and peak RSS at most Ruff's): **{verdict}**."
            )
            out.append("")
        machine = self.machine
        seen = ", ".join(
            f"{name} {'unknown' if count is None else f'{count:,}'}"
            for name, count in self.files_seen.items()
        )
        out.append(
            f"- Corpus: {len(self.corpus.pins)} pinned PyPI packages "
            f"(`bench/corpus.txt`), {self.corpus.files:,} `.py`/`.pyi` files, "
            f"{self.corpus.lines:,} lines. Files each tool checks: {seen}."
        )
        out.append(
            f"- Runs: {self.runs} per tool in alternating order, "
            "after one warm-up each; output to /dev/null. 1-minute load average "
            f"{self.load_average[0]:.2f} before, {self.load_average[1]:.2f} after."
        )
        out += [f"- `{display_command(tool)}`" for tool in self.tools]
        out.append(
            f"- Machine: {machine['cpu']}, {machine['cores']} cores, "
            f"{machine['memory_gib']} GiB RAM, {machine['os']} "
            f"(Linux {machine['kernel']}); {machine['rustc']}; "
            f"wirelint commit {self.wirelint_commit}; {self.date}."
        )
        out.append("")
        return "\n".join(out)


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def write_report(report: Report, output_dir: Path) -> None:
    output_dir.mkdir(parents=True, exist_ok=True)
    json_text = json.dumps(report.to_json(), indent=2) + "\n"
    (output_dir / "latest.json").write_text(json_text, encoding="utf-8")
    (output_dir / "latest.md").write_text(report.to_markdown(), encoding="utf-8")
    log(f"wrote {output_dir / 'latest.json'} and {output_dir / 'latest.md'}")


# ---------------------------------------------------------------- commands


def prepare_wirelint(args: argparse.Namespace) -> Tool:
    if args.wirelint is not None:
        binary = Path(args.wirelint).resolve()
        if not binary.is_file():
            raise BenchError(f"--wirelint {args.wirelint}: no such file")
    elif args.no_build:
        binary = DEFAULT_WIRELINT
        if not binary.is_file():
            raise BenchError(f"--no-build given but {binary} does not exist")
    else:
        binary = build_wirelint()
    wirelint_args = args.wirelint_args or wirelint_default_args(binary)
    return Tool(
        "wirelint",
        command_line(binary, wirelint_args, CORPUS_PACKAGES),
        tool_version(binary),
    )


def command_corpus(args: argparse.Namespace) -> int:
    build_corpus(rebuild=args.rebuild)
    return 0


def command_run(args: argparse.Namespace) -> int:
    if args.runs < 1:
        raise BenchError("--runs must be at least 1")
    if args.check_bars and args.only is not None:
        raise BenchError("--check-bars needs both tools; drop --only")
    default_output = RESULTS_DIR if args.only is None else PARTIAL_RESULTS_DIR
    output_dir = Path(args.output).resolve() if args.output else default_output
    corpus = build_corpus(rebuild=args.rebuild)
    tools: list[Tool] = []
    if args.only in (None, "wirelint"):
        tools.append(prepare_wirelint(args))
    if args.only in (None, "ruff"):
        ruff = ensure_ruff()
        ruff_argv = command_line(ruff, args.ruff_args, CORPUS_PACKAGES)
        tools.append(Tool("ruff", ruff_argv, tool_version(ruff)))
    files_seen = {tool.name: visible_files(tool, CORPUS_PACKAGES) for tool in tools}
    for name, count in files_seen.items():
        if count is not None and count != corpus.files:
            log(f"note: {name} checks {count:,} of the corpus's {corpus.files:,} files")
    for tool in tools:
        log(f"{tool.name}: {display_command(tool)}")

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    os.chdir(WORK_DIR)  # any cache or stray output lands under bench/.work/
    wait_for_idle(args.wait_for_idle)
    load_before = os.getloadavg()[0]
    if load_before > BUSY_LOAD:
        log(f"warning: load average is {load_before:.2f}; timings will be noisy")
    samples = time_tools(tools, args.runs)
    report = Report(
        date=now_iso(),
        note=args.note,
        machine=machine_info(),
        wirelint_commit=git_commit(),
        corpus=corpus,
        files_seen=files_seen,
        runs=args.runs,
        load_average=(load_before, os.getloadavg()[0]),
        tools=tools,
        samples=samples,
        summaries={tool.name: summarize(samples[tool.name], corpus) for tool in tools},
    )
    write_report(report, output_dir)
    print(report.to_markdown())
    bars = report.bars_met()
    if args.check_bars and bars is not None and not all(bars.values()):
        log("bars not met: " + ", ".join(name for name, ok in bars.items() if not ok))
        return EXIT_BARS_NOT_MET
    return 0


# ---------------------------------------------------------------- scale


SCALE_COPIES = 10
SCALE_DIR = WORK_DIR / "scale"
SCALE_CACHE_DIR = WORK_DIR / "scale-cache"
# Bars of the scale measurements: peak RSS on ten copies at most twice that
# on one copy; a warm cached run at most a fifth of a cold one.
MAX_RSS_RATIO = 2.0
MAX_WARM_TO_COLD = 0.2


def build_copies(copies: int) -> Path:
    """`copies` hard-linked copies of the corpus under one directory (cheap:
    no data is duplicated); reused when already complete."""
    marker = SCALE_DIR / f".complete-{copies}"
    if marker.exists():
        return SCALE_DIR
    shutil.rmtree(SCALE_DIR, ignore_errors=True)
    SCALE_DIR.mkdir(parents=True)
    for index in range(1, copies + 1):
        shutil.copytree(CORPUS_PACKAGES, SCALE_DIR / f"copy{index:02d}", copy_function=os.link)
    marker.touch()
    return SCALE_DIR


def median_of(samples: list[Sample]) -> Sample:
    """The sample with the median wall time, and the largest peak RSS."""
    ordered = sorted(samples, key=lambda sample: sample.wall_seconds)
    middle = ordered[len(ordered) // 2]
    peak = max(sample.peak_rss_kib for sample in samples)
    return Sample(middle.wall_seconds, middle.cpu_seconds, peak, middle.exit_code)


def command_scale(args: argparse.Namespace) -> int:
    """Times wirelint on one copy of the corpus against ten (memory must stay
    flat, time grow linearly) and a cold cached run against a warm one."""
    if args.runs < 1:
        raise BenchError("--runs must be at least 1")
    corpus = build_corpus(rebuild=False)
    wirelint = prepare_wirelint(args)
    binary = wirelint.argv[0]
    ten = build_copies(SCALE_COPIES)
    base = [binary, "check", "--preview", "--exit-zero", "--isolated"]
    one_tool = Tool("one copy", [*base, "--no-cache", str(CORPUS_PACKAGES)], wirelint.version)
    ten_tool = Tool("ten copies", [*base, "--no-cache", str(ten)], wirelint.version)
    cached = Tool("cached", [*base, str(CORPUS_PACKAGES)], wirelint.version)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    os.chdir(WORK_DIR)
    wait_for_idle(args.wait_for_idle)
    environment = tool_environment()
    cache_environment = {**environment, "WIRELINT_CACHE_DIR": str(SCALE_CACHE_DIR)}
    samples: dict[str, list[Sample]] = {"one": [], "ten": [], "cold": [], "warm": []}
    measure(one_tool, environment)  # warm-up: file system caches
    measure(ten_tool, environment)
    for round_index in range(args.runs):
        samples["one"].append(measure(one_tool, environment))
        samples["ten"].append(measure(ten_tool, environment))
        shutil.rmtree(SCALE_CACHE_DIR, ignore_errors=True)
        samples["cold"].append(measure(cached, cache_environment))
        samples["warm"].append(measure(cached, cache_environment))
        log(f"round {round_index + 1}/{args.runs} done")
    shutil.rmtree(SCALE_CACHE_DIR, ignore_errors=True)
    one, ten_sample = median_of(samples["one"]), median_of(samples["ten"])
    cold, warm = median_of(samples["cold"]), median_of(samples["warm"])
    rss_ratio = ten_sample.peak_rss_kib / one.peak_rss_kib
    time_ratio = ten_sample.wall_seconds / one.wall_seconds
    warm_to_cold = warm.wall_seconds / cold.wall_seconds
    bars = {
        "peak RSS, ten copies / one": rss_ratio <= MAX_RSS_RATIO,
        "warm / cold cached run": warm_to_cold <= MAX_WARM_TO_COLD,
    }
    machine = machine_info()
    lines = [
        f"Scale and cache, `{wirelint.version}` (commit {git_commit()}), {now_iso()}, "
        f"median of {args.runs} runs; machine: {machine.get('cpu')}, {machine.get('cores')} "
        f"cores. One copy = the bench corpus ({corpus.files:,} files, {corpus.lines:,} lines); "
        f"ten copies = {corpus.files * SCALE_COPIES:,} files.",
        "",
        "| run | wall | CPU | peak RSS |",
        "|---|---:|---:|---:|",
    ]
    for name, sample in (
        ("one copy, no cache", one),
        ("ten copies, no cache", ten_sample),
        ("one copy, cold cache", cold),
        ("one copy, warm cache", warm),
    ):
        lines.append(
            f"| {name} | {sample.wall_seconds:.3f} s | {sample.cpu_seconds:.2f} s | "
            f"{mib(sample.peak_rss_kib)} |"
        )
    lines += [
        "",
        f"Ten copies / one: wall time **{time_ratio:.2f}x** (linear is {SCALE_COPIES}x), "
        f"peak RSS **{rss_ratio:.2f}x** (bar: at most {MAX_RSS_RATIO:g}x). "
        f"Warm / cold cached run: **{warm_to_cold:.2f}** (bar: at most {MAX_WARM_TO_COLD:g}).",
        "Bars: "
        + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in bars.items())
        + ".",
    ]
    markdown = "\n".join(lines) + "\n"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "scale.md").write_text(markdown, encoding="utf-8")
    (RESULTS_DIR / "scale.json").write_text(
        json.dumps(
            {name: [asdict(sample) for sample in runs] for name, runs in samples.items()}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    print(markdown)
    if args.check_bars and not all(bars.values()):
        return EXIT_BARS_NOT_MET
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python bench/run.py",
        description="Time `wirelint check` against Ruff on a pinned PyPI corpus.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    corpus = commands.add_parser("corpus", help="only build the corpus (idempotent)")
    run = commands.add_parser("run", help="build what is missing, time both tools (default)")
    scale = commands.add_parser(
        "scale", help="wirelint on one copy vs ten copies of the corpus, and cold vs warm cache"
    )
    scale.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    scale.add_argument("--wirelint", metavar="PATH", help="wirelint binary (skips the build)")
    scale.add_argument("--no-build", action="store_true", help="use target/release/wirelint")
    scale.add_argument("--wirelint-args", default=None, help=argparse.SUPPRESS)
    scale.add_argument("--wait-for-idle", type=float, default=0.0, metavar="SECONDS")
    scale.add_argument("--check-bars", action="store_true", help="exit 1 if a bar is not met")
    for sub in (corpus, run):
        sub.add_argument("--rebuild", action="store_true", help="rebuild the corpus from scratch")
    run.add_argument("--runs", type=int, default=10, help="timed runs per tool (default 10)")
    run.add_argument("--only", choices=("wirelint", "ruff"), help="time one tool alone")
    run.add_argument("--wirelint", metavar="PATH", help="wirelint binary to use (skips the build)")
    run.add_argument("--no-build", action="store_true", help="use target/release/wirelint as is")
    run.add_argument(
        "--wirelint-args",
        metavar="ARGS",
        help="wirelint arguments with a {corpus} token "
        "(default: check --preview --exit-zero [--no-cache] [--isolated] {corpus})",
    )
    run.add_argument(
        "--ruff-args",
        metavar="ARGS",
        default=DEFAULT_RUFF_ARGS,
        help=f"ruff arguments with a {{corpus}} token (default: {DEFAULT_RUFF_ARGS})",
    )
    run.add_argument(
        "--wait-for-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"first wait up to SECONDS for the load average to drop below {BUSY_LOAD}",
    )
    run.add_argument("--note", help="a remark stored with the results (e.g. engine state)")
    run.add_argument(
        "--output",
        metavar="DIR",
        help="where latest.json/latest.md go (default bench/results, "
        "or bench/.work/results with --only)",
    )
    run.add_argument(
        "--check-bars",
        action="store_true",
        help="exit 1 if wirelint's median wall time or peak RSS exceeds Ruff's",
    )
    arguments = list(argv)
    if not arguments or arguments[0] not in ("corpus", "run", "scale", "-h", "--help"):
        arguments.insert(0, "run")
    return parser.parse_args(arguments)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    try:
        if args.command == "corpus":
            return command_corpus(args)
        if args.command == "scale":
            return command_scale(args)
        return command_run(args)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
