"""Self-tests for the benchmark harness (bench/run.py); needs no corpus or network."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run


def test_read_pins_skips_comments_and_rejects_unpinned(tmp_path: Path) -> None:
    pins = tmp_path / "pins.txt"
    pins.write_text("# header\n\nhttpx==0.28.1  # inline\nrequests==2.34.2\n")
    assert run.read_pins(pins) == ["httpx==0.28.1", "requests==2.34.2"]

    pins.write_text("httpx>=0.28\n")
    with pytest.raises(run.BenchError, match=r"pins.txt:1: expected `name==version`"):
        run.read_pins(pins)

    pins.write_text("# nothing\n")
    with pytest.raises(run.BenchError, match="pins no packages"):
        run.read_pins(pins)


def test_repository_pin_list_is_valid() -> None:
    pins = run.read_pins()
    assert "openai" in {pin.split("==")[0] for pin in pins}
    assert len(pins) == len(set(pins))


def test_count_lines_counts_an_unterminated_last_line() -> None:
    assert run.count_lines(b"") == 0
    assert run.count_lines(b"a\nb\n") == 2
    assert run.count_lines(b"a\nb") == 2


def test_command_line_substitutes_the_corpus_token(tmp_path: Path) -> None:
    argv = run.command_line(Path("/bin/tool"), "check --select 'A,B' {corpus}", tmp_path)
    assert argv == ["/bin/tool", "check", "--select", "A,B", str(tmp_path)]
    with pytest.raises(run.BenchError, match=re.escape("must contain a {corpus} token")):
        run.command_line(Path("/bin/tool"), "check .", tmp_path)


def test_measure_reports_exit_code_and_peak_rss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "STDERR_FILE", tmp_path / "stderr.txt")
    findings = run.Tool("sh", ["/bin/sh", "-c", "exit 1"], "sh")
    sample = run.measure(findings, {})
    assert sample.exit_code == 1
    assert sample.wall_seconds > 0
    assert sample.peak_rss_kib > 0

    crash = run.Tool("sh", ["/bin/sh", "-c", "echo boom >&2; exit 2"], "sh")
    with pytest.raises(run.BenchError, match=r"exited with 2 \(0 or 1 expected\)[^$]*boom"):
        run.measure(crash, {})


def make_report(wirelint_walls: list[float], wirelint_rss: int) -> run.Report:
    corpus = run.Corpus(pins=["httpx==0.28.1"], files=10, lines=1000)
    samples = {
        "wirelint": [run.Sample(w, w, wirelint_rss, 0) for w in wirelint_walls],
        "ruff": [run.Sample(w, w, 2048, 0) for w in (1.0, 2.0, 3.0)],
    }
    tools = [
        run.Tool(
            "wirelint",
            ["/x/wirelint", "check", str(run.CORPUS_PACKAGES)],
            "wirelint 0.1.0",
        ),
        run.Tool("ruff", ["/x/ruff", "check", str(run.CORPUS_PACKAGES)], "ruff 0.17.6"),
    ]
    return run.Report(
        date="2026-01-01T00:00:00+00:00",
        note="parse-only engine",
        machine={"cpu": "cpu", "cores": 2, "memory_gib": 24, "os": "os", "kernel": "k"}
        | {"rustc": "rustc 1.95.0"},
        wirelint_commit="abc",
        corpus=corpus,
        files_seen={"wirelint": 9, "ruff": None},
        runs=3,
        load_average=(0.1, 0.2),
        tools=tools,
        samples=samples,
        summaries={name: run.summarize(s, corpus) for name, s in samples.items()},
    )


def test_report_ratios_bars_and_markdown() -> None:
    fast = make_report([0.5, 1.0, 9.0], wirelint_rss=1024)
    summary = fast.summaries["wirelint"]
    assert summary.median_wall_seconds == 1.0
    assert summary.min_wall_seconds == 0.5
    assert summary.lines_per_second == 1000.0
    assert fast.ratios() == (0.5, 0.5)
    assert fast.bars_met() == {
        "median_wall_at_most_ruff": True,
        "peak_rss_at_most_ruff": True,
    }
    markdown = fast.to_markdown()
    assert "| wirelint 0.1.0 | 1.000 s | 0.500 s |" in markdown
    assert "**met**" in markdown
    assert "`wirelint check bench/corpus/packages`" in markdown
    assert "Files each tool checks: wirelint 9, ruff unknown." in markdown

    slow = make_report([3.0, 3.0, 3.0], wirelint_rss=4096)
    assert slow.bars_met() == {
        "median_wall_at_most_ruff": False,
        "peak_rss_at_most_ruff": False,
    }
    assert "**not met**" in slow.to_markdown()
    assert slow.to_json()["ratio"] == {"median_wall": 1.5, "peak_rss_max": 2.0}


@pytest.mark.parametrize("script", ["run.py", "lsp_bench.py", "field_check.py", "corpus_report.py"])
def test_every_harness_script_prints_its_help(script: str) -> None:
    # argparse formats help text with %-placeholders: a stray `%` in a help
    # string only fails when --help is asked for.
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve().parent / script), "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
