"""Self-tests for the field check (bench/field_check.py) on tiny synthetic inputs; needs no
corpus, no network and no wirelint build."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import field_check as fc
import run as harness


def hit(code: str, line: int, path: str = "pkg/mod.py", source: str = "x = 1") -> fc.Hit:
    return fc.Hit(code, path, line, 1, f"{code} message", source)


def test_sample_is_capped_seeded_and_stable_when_other_hits_go() -> None:
    hits = [hit("WL104", line) for line in range(1, 41)] + [hit("WL201", 1)]
    sample = fc.sample_hits(hits, seed="s", size=15)
    assert len(sample["WL104"]) == 15 and len(sample["WL201"]) == 1
    assert sample == fc.sample_hits(list(reversed(hits)), seed="s", size=15)
    assert sample["WL104"] != fc.sample_hits(hits, seed="other", size=15)["WL104"]

    chosen = {h.key for h in sample["WL104"]}
    unsampled = next(h for h in hits if h.code == "WL104" and h.key not in chosen)
    fewer = [h for h in hits if h != unsampled]
    assert {h.key for h in fc.sample_hits(fewer, seed="s", size=15)["WL104"]} == chosen

    fixed = sample["WL104"][0]
    after_fix = {
        h.key for h in fc.sample_hits([h for h in hits if h != fixed], seed="s", size=15)["WL104"]
    }
    assert len(after_fix) == 15
    assert after_fix - chosen and chosen - after_fix == {fixed.key}


def test_reconcile_keeps_judgements_reopens_stale_ones_and_adds_pending() -> None:
    judged = fc.Judgement.pending(hit("WL104", 3, source="c = Client()"))
    judged.verdict, judged.reason = fc.CORRECT, "never closed"
    stale = fc.Judgement.pending(hit("WL104", 5, source="old text"))
    stale.verdict, stale.fp_class, stale.reason = fc.FALSE_POSITIVE, "cls", "stored"
    gone = fc.Judgement.pending(hit("WL104", 9))
    gone.verdict, gone.reason = fc.CORRECT, "was right"
    abandoned = fc.Judgement.pending(hit("WL104", 11))
    sample = [
        hit("WL104", 3, source="c  =  Client()"),
        hit("WL104", 5, source="new"),
        hit("WL104", 7),
    ]

    rows = {row.line: row for row in fc.reconcile(sample, [judged, stale, gone, abandoned])}

    assert set(rows) == {3, 5, 7, 9}  # the unjudged row that left the sample is dropped
    assert rows[3].verdict == fc.CORRECT  # whitespace changes are not staleness
    assert rows[5].verdict == fc.UNJUDGED and rows[5].reason == "stale, was false-positive: stored"
    assert rows[7].verdict == fc.UNJUDGED and rows[7].reason == ""
    assert rows[9].verdict == fc.CORRECT  # a judgement outlives the sample


def test_judgements_round_trip_and_reject_incomplete_rows(tmp_path: Path) -> None:
    path = tmp_path / "WL602.tsv"
    row = fc.Judgement.pending(hit("WL602", 4, source="log(\theaders)"))
    row.verdict, row.fp_class, row.reason = fc.FALSE_POSITIVE, "literal", "only\tContent-Type"
    fc.write_judgements(path, [row])
    (back,) = fc.read_judgements(path)
    assert (back.verdict, back.fp_class, back.reason, back.source) == (
        fc.FALSE_POSITIVE,
        "literal",
        "only Content-Type",
        "log( headers)",
    )

    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\tliteral\t", "\t\t"), encoding="utf-8")
    with pytest.raises(harness.BenchError, match="false-positive verdict needs a class"):
        fc.read_judgements(path)
    path.write_text(text.replace("false-positive", "maybe"), encoding="utf-8")
    with pytest.raises(harness.BenchError, match="verdict 'maybe' is not one of"):
        fc.read_judgements(path)
    path.write_text(text.replace("only\tContent-Type", "").replace("only Content-Type", ""))
    with pytest.raises(harness.BenchError, match="a verdict needs a reason"):
        fc.read_judgements(path)


def judged_rows(code: str, verdicts: list[str]) -> tuple[list[list[object]], list[fc.Judgement]]:
    keys: list[list[object]] = []
    rows: list[fc.Judgement] = []
    for line, verdict in enumerate(verdicts, start=1):
        row = fc.Judgement.pending(hit(code, line))
        row.verdict = verdict
        if verdict != fc.UNJUDGED:
            row.reason = "why"
        if verdict in (fc.FALSE_POSITIVE, fc.DEBATABLE):
            row.fp_class = f"{code.lower()}-class"
        keys.append(list(row.key))
        rows.append(row)
    return keys, rows


def test_gate_needs_a_fully_judged_sample_at_95_percent() -> None:
    stable = {"code": "WL201", "name": "scalar-timeout", "status": "stable"}
    keys, rows = judged_rows("WL201", [fc.CORRECT] * 15)
    assert fc.rule_figures(stable, 20, keys, rows).gate == "pass"

    keys, rows = judged_rows("WL201", [fc.CORRECT] * 14 + [fc.DEBATABLE])
    figures = fc.rule_figures(stable, 20, keys, rows)
    assert figures.gate == "FAIL"
    assert figures.lenient_precision == 1.0
    assert figures.classes == {(fc.DEBATABLE, "wl201-class"): 1}

    keys, rows = judged_rows("WL201", [fc.CORRECT] * 14 + [fc.UNJUDGED])
    assert fc.rule_figures(stable, 20, keys, rows).gate == "not claimed (1 unjudged)"

    preview = {"code": "WL202", "name": "timeout-without-pool", "status": "preview"}
    keys, rows = judged_rows("WL202", [fc.FALSE_POSITIVE])
    assert fc.rule_figures(preview, 1, keys, rows).gate == ""


def test_rows_are_numbered_as_python_numbers_them() -> None:
    assert fc.physical_lines("a = '\u2028'\nb\x0c = 1\r\nc") == ["a = '\u2028'", "b\x0c = 1", "c"]


def test_load_hits_locates_hits_relative_to_the_corpus(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    (packages / "pkg").mkdir(parents=True)
    module = packages / "pkg" / "mod.py"
    module.write_text("doc = 'a\u2028b'\nclient = httpx.Client()\n", encoding="utf-8")
    diagnostics = [
        {
            "code": "WL101",
            "message": "client at import time",
            "filename": str(module),
            "location": {"row": 2, "column": 10},
        }
    ]
    fake = tmp_path / "wirelint"
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(diagnostics)}\nEOF\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)

    hits, _ = fc.load_hits(fake, packages)

    assert hits == [
        fc.Hit("WL101", "pkg/mod.py", 2, 10, "client at import time", "client = httpx.Client()")
    ]


def test_report_lists_unjudged_hits_and_claims_no_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fc, "JUDGEMENTS_DIR", tmp_path / "judgements")
    monkeypatch.setattr(fc, "REPORT", tmp_path / "field-report.md")
    monkeypatch.setattr(fc, "REPO_ROOT", tmp_path)
    spec = fc.CorpusSpec("app", "Application-code corpus", tmp_path / "pins.txt", tmp_path)
    monkeypatch.setattr(fc, "CORPORA", {"app": spec})
    keys, rows = judged_rows("WL104", [fc.CORRECT, fc.FALSE_POSITIVE, fc.UNJUDGED])
    fc.write_judgements(spec.judgements_dir / "WL104.tsv", rows)
    record = {
        "wirelint": "wirelint 0.0.0",
        "commit": "abc",
        "date": "2000-01-01",
        "machine": "test",
        "seed": "s",
        "sample_size": 15,
        "check_seconds": 0.1,
        "files": 1,
        "lines": 10,
        "top_level": {"pkg": {"files": 1, "lines": 10}},
        "rules": [
            {"code": "WL104", "name": "unclosed-client", "status": "stable"},
            {"code": "WL105", "name": "client-in-loop", "status": "stable"},
        ],
        "hits": {"WL104": 3},
        "sample": {"WL104": keys},
        "judged_outside_sample": {},
    }
    (spec.judgements_dir / "run.json").write_text(json.dumps(record), encoding="utf-8")

    fc.write_report(["app"])

    report = (tmp_path / "field-report.md").read_text(encoding="utf-8")
    assert "| WL104 | unclosed-client | stable | 3 | 3 | 1 | 1 | 0 | 1 | 50% |" in report
    assert "not claimed (1 unjudged)" in report
    assert "### Unjudged sampled hits (1)" in report
    assert "- WL104 `pkg/mod.py:3`" in report
    assert "No hits: WL105." in report
    assert "| wl104-class | WL104 | false-positive | 1 | 2 |" in report
