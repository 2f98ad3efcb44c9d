"""Field check: samples wirelint's hits on a pinned corpus, keeps the judgements, and writes
docs/field-report.md with each rule's precision and the precision gate.

`python bench/field_check.py` builds the application-code corpus (bench/app_corpus.txt)
and the SDK corpus (bench/corpus.txt), builds wirelint from this tree, runs it with every
rule on, samples up to 15 hits per rule, adds the sampled hits nobody has judged yet to
bench/judgements/<corpus>/<CODE>.tsv as `unjudged`, and regenerates the report.
`python bench/field_check.py pending` prints those hits with their source for judging;
`python bench/field_check.py report` regenerates the report from the stored files only.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as harness

BENCH_DIR = harness.BENCH_DIR
REPO_ROOT = harness.REPO_ROOT
JUDGEMENTS_DIR = BENCH_DIR / "judgements"
REPORT = REPO_ROOT / "docs" / "field-report.md"
COMMAND = "python bench/field_check.py"

SAMPLE_SIZE = 15
SEED = "wirelint-field-check-1"
GATE = 0.95

CORRECT = "correct"
FALSE_POSITIVE = "false-positive"
DEBATABLE = "debatable"
UNJUDGED = "unjudged"
VERDICTS = (CORRECT, FALSE_POSITIVE, DEBATABLE, UNJUDGED)
COLUMNS = ("code", "path", "line", "column", "verdict", "class", "reason", "source", "message")


@dataclass(frozen=True)
class CorpusSpec:
    """One pinned corpus the field check runs on."""

    name: str
    title: str
    pins_file: Path
    corpus_dir: Path

    @property
    def packages_dir(self) -> Path:
        return self.corpus_dir / harness.CORPUS_PACKAGES.name

    @property
    def judgements_dir(self) -> Path:
        return JUDGEMENTS_DIR / self.name


CORPORA = {
    "app": CorpusSpec(
        "app",
        "Application-code corpus",
        BENCH_DIR / "app_corpus.txt",
        harness.CORPUS_DIR / "app",
    ),
    "sdk": CorpusSpec("sdk", "SDK corpus", harness.PINS_FILE, harness.CORPUS_DIR),
}


@dataclass(frozen=True)
class Hit:
    """One diagnostic, located relative to the corpus's packages directory."""

    code: str
    path: str
    line: int
    column: int
    message: str
    source: str

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.code, self.path, self.line, self.column)


@dataclass
class Judgement:
    """One row of a judgements file: a sampled hit and what a reader decided about it."""

    code: str
    path: str
    line: int
    column: int
    verdict: str
    fp_class: str
    reason: str
    source: str
    message: str

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.code, self.path, self.line, self.column)

    @classmethod
    def pending(cls, hit: Hit, reason: str = "") -> Judgement:
        return cls(
            hit.code, hit.path, hit.line, hit.column, UNJUDGED, "", reason, hit.source, hit.message
        )


@dataclass
class RuleFigures:
    """One rule's row in the report."""

    code: str
    name: str
    status: str
    hits: int
    sampled: int = 0
    correct: int = 0
    false_positive: int = 0
    debatable: int = 0
    unjudged: int = 0
    stale: int = 0
    # (verdict, class) -> sampled hits: the false-positive and debatable classes.
    classes: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def judged(self) -> int:
        return self.correct + self.false_positive + self.debatable

    @property
    def precision(self) -> float | None:
        return self.correct / self.judged if self.judged else None

    @property
    def lenient_precision(self) -> float | None:
        return (self.correct + self.debatable) / self.judged if self.judged else None

    @property
    def gate(self) -> str:
        """The precision gate for stable rules: claimed only on a fully judged sample."""
        if self.status != "stable":
            return ""
        if self.hits == 0:
            return "no hits"
        if self.unjudged:
            return f"not claimed ({self.unjudged} unjudged)"
        precision = self.precision
        assert precision is not None
        return "pass" if precision >= GATE else "FAIL"


# ---------------------------------------------------------------- sampling


def sample_rank(seed: str, hit: Hit) -> str:
    """A hit's place in its rule's sample order. It depends only on the seed and the hit,
    so removing other hits (a fixed false positive) never reshuffles the sample."""
    text = "\x1f".join((seed, hit.code, hit.path, str(hit.line), str(hit.column)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sample_hits(hits: Iterable[Hit], *, seed: str, size: int) -> dict[str, list[Hit]]:
    """Up to `size` hits per rule: the ones with the lowest rank, in path order."""
    by_code: dict[str, list[Hit]] = {}
    for hit in hits:
        by_code.setdefault(hit.code, []).append(hit)
    sample: dict[str, list[Hit]] = {}
    for code, rule_hits in sorted(by_code.items()):
        chosen = sorted(rule_hits, key=lambda hit: sample_rank(seed, hit))[:size]
        sample[code] = sorted(chosen, key=lambda hit: (hit.path, hit.line, hit.column))
    return sample


def physical_lines(text: str) -> list[str]:
    """The file's lines as Python (and wirelint) number them: split at `\n`, `\r\n` or `\r`
    only. `str.splitlines` also splits at form feeds and U+2028, which would shift rows."""
    return re.split(r"\r\n|\r|\n", text)


def normalise_source(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- judgements files


def read_judgements(path: Path) -> list[Judgement]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or tuple(lines[0].split("\t")) != COLUMNS:
        raise harness.BenchError(f"{path}: expected the columns {', '.join(COLUMNS)}")
    rows: list[Judgement] = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise harness.BenchError(
                f"{path}:{number}: expected {len(COLUMNS)} tab-separated cells"
            )
        row = dict(zip(COLUMNS, cells))
        verdict = row["verdict"]
        if verdict not in VERDICTS:
            raise harness.BenchError(
                f"{path}:{number}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}"
            )
        if verdict in (FALSE_POSITIVE, DEBATABLE) and not row["class"]:
            raise harness.BenchError(f"{path}:{number}: a {verdict} verdict needs a class")
        if verdict != UNJUDGED and not row["reason"]:
            raise harness.BenchError(f"{path}:{number}: a verdict needs a reason")
        rows.append(
            Judgement(
                row["code"],
                row["path"],
                int(row["line"]),
                int(row["column"]),
                verdict,
                row["class"],
                row["reason"],
                row["source"],
                row["message"],
            )
        )
    return rows


def write_judgements(path: Path, rows: Sequence[Judgement]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(rows, key=lambda row: (row.path, row.line, row.column))
    lines = ["\t".join(COLUMNS)]
    for row in ordered:
        cells = [row.code, row.path, str(row.line), str(row.column), row.verdict, row.fp_class]
        cells += [tsv_safe(text) for text in (row.reason, row.source, row.message)]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tsv_safe(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def reconcile(sample: Sequence[Hit], stored: Sequence[Judgement]) -> list[Judgement]:
    """The rows to keep for one rule: every judged row (a judgement outlives the sample, so
    a hit that comes back keeps it), plus a pending row for each sampled hit with no
    judgement. A judgement whose source line changed is stale: it is reopened, keeping
    the old verdict in its reason for whoever judges it again."""
    by_key = {row.key: row for row in stored}
    sampled_keys = {hit.key for hit in sample}
    rows: list[Judgement] = [
        row for row in stored if row.verdict != UNJUDGED and row.key not in sampled_keys
    ]
    for hit in sample:
        row = by_key.get(hit.key)
        if row is None or row.verdict == UNJUDGED:
            rows.append(Judgement.pending(hit))
        elif normalise_source(row.source) != normalise_source(hit.source):
            rows.append(Judgement.pending(hit, f"stale, was {row.verdict}: {row.reason}"))
        else:
            row.message = hit.message
            rows.append(row)
    return rows


def rule_figures(
    rule: dict[str, str],
    hits: int,
    sample_keys: Sequence[Sequence[object]],
    rows: Sequence[Judgement],
) -> RuleFigures:
    figures = RuleFigures(rule["code"], rule["name"], rule["status"], hits)
    by_key = {row.key: row for row in rows}
    for key in sample_keys:
        code, path, line, column = key
        row = by_key.get((str(code), str(path), int(str(line)), int(str(column))))
        figures.sampled += 1
        if row is None or row.verdict == UNJUDGED:
            figures.unjudged += 1
            if row is not None and row.reason.startswith("stale"):
                figures.stale += 1
        elif row.verdict == CORRECT:
            figures.correct += 1
        elif row.verdict == FALSE_POSITIVE:
            figures.false_positive += 1
        else:
            figures.debatable += 1
        if row is not None and row.verdict in (FALSE_POSITIVE, DEBATABLE) and row.fp_class:
            slot = (row.verdict, row.fp_class)
            figures.classes[slot] = figures.classes.get(slot, 0) + 1
    return figures


# ---------------------------------------------------------------- running wirelint


def load_hits(binary: Path, packages_dir: Path) -> tuple[list[Hit], float]:
    """Runs wirelint with every rule on; returns the hits and the run's wall time."""
    argv = [
        str(binary),
        "check",
        "--isolated",
        "--no-cache",
        "--preview",
        "--select",
        "ALL",
        "--output-format",
        "json",
        "--exit-zero",
        str(packages_dir),
    ]
    started = time.monotonic()
    completed = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise harness.BenchError(
            f"`{' '.join(argv)}` exited {completed.returncode}: {harness.tail(completed.stderr)}"
        )
    diagnostics = json.loads(completed.stdout)
    lines_cache: dict[str, list[str]] = {}
    hits: list[Hit] = []
    for diagnostic in diagnostics:
        filename = diagnostic["filename"]
        if filename not in lines_cache:
            text = Path(filename).read_text(encoding="utf-8", errors="replace")
            lines_cache[filename] = physical_lines(text)
        line = diagnostic["location"]["row"]
        source_lines = lines_cache[filename]
        source = source_lines[line - 1] if 0 < line <= len(source_lines) else ""
        hits.append(
            Hit(
                diagnostic["code"],
                Path(filename).resolve().relative_to(packages_dir.resolve()).as_posix(),
                line,
                diagnostic["location"]["column"],
                diagnostic["message"],
                tsv_safe(source),
            )
        )
    return hits, elapsed


def wirelint_rules(binary: Path) -> list[dict[str, str]]:
    listing = harness.run_quiet([str(binary), "rule", "--all", "--output-format", "json"])
    return [
        {"code": rule["code"], "name": rule["name"], "status": rule["status"]}
        for rule in json.loads(listing)
    ]


def check_corpus(spec: CorpusSpec, binary: Path, *, rebuild: bool, seed: str, size: int) -> None:
    corpus = harness.build_corpus(
        rebuild=rebuild, pins_file=spec.pins_file, corpus_dir=spec.corpus_dir
    )
    manifest = harness.load_manifest(spec.corpus_dir / harness.MANIFEST_FILE.name) or {}
    harness.log(f"{spec.name}: running wirelint on {corpus.files:,} files")
    hits, elapsed = load_hits(binary, spec.packages_dir)
    sample = sample_hits(hits, seed=seed, size=size)
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.code] = counts.get(hit.code, 0) + 1
    hit_keys = {hit.key for hit in hits}
    spec.judgements_dir.mkdir(parents=True, exist_ok=True)
    retired: dict[str, dict[str, int]] = {}
    for path in sorted(spec.judgements_dir.glob("WL*.tsv")):
        if path.stem not in sample:
            stored = read_judgements(path)
            kept = [row for row in stored if row.verdict != UNJUDGED]
            write_judgements(path, kept)
    for code, rule_sample in sample.items():
        path = spec.judgements_dir / f"{code}.tsv"
        write_judgements(path, reconcile(rule_sample, read_judgements(path)))
    for path in sorted(spec.judgements_dir.glob("WL*.tsv")):
        sampled = {hit.key for hit in sample.get(path.stem, [])}
        for row in read_judgements(path):
            if row.key in sampled:
                continue
            state = "still_hit" if row.key in hit_keys else "gone"
            entry = retired.setdefault(row.code, {})
            entry[f"{state}_{row.verdict}"] = entry.get(f"{state}_{row.verdict}", 0) + 1
    record = {
        "corpus": spec.name,
        "wirelint": harness.tool_version(binary),
        "commit": harness.git_commit(),
        "date": datetime.date.today().isoformat(),
        "machine": "{cpu}, {cores} cores".format(**harness.machine_info()),
        "seed": seed,
        "sample_size": size,
        "check_seconds": round(elapsed, 2),
        "pins": corpus.pins,
        "files": corpus.files,
        "lines": corpus.lines,
        "top_level": manifest.get("top_level", {}),
        "rules": wirelint_rules(binary),
        "hits": dict(sorted(counts.items())),
        "sample": {code: [list(hit.key) for hit in chosen] for code, chosen in sample.items()},
        "judged_outside_sample": retired,
    }
    run_file = spec.judgements_dir / "run.json"
    run_file.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    pending = sum(1 for chosen in sample.values() for _ in chosen)
    harness.log(
        f"{spec.name}: {len(hits):,} hits in {elapsed:.1f} s, {pending} sampled; "
        f"wrote {spec.judgements_dir.relative_to(REPO_ROOT)}"
    )


# ---------------------------------------------------------------- report


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def load_run(spec: CorpusSpec) -> tuple[dict[str, object], list[RuleFigures], list[Judgement]]:
    run_file = spec.judgements_dir / "run.json"
    if not run_file.exists():
        raise harness.BenchError(f"no {run_file.relative_to(REPO_ROOT)}; run `{COMMAND}` first")
    record = json.loads(run_file.read_text(encoding="utf-8"))
    rows: list[Judgement] = []
    for path in sorted(spec.judgements_dir.glob("WL*.tsv")):
        rows.extend(read_judgements(path))
    figures = [
        rule_figures(
            rule,
            record["hits"].get(rule["code"], 0),
            record["sample"].get(rule["code"], []),
            [row for row in rows if row.code == rule["code"]],
        )
        for rule in record["rules"]
    ]
    return record, figures, rows


def overall_lines(label: str, figures: Sequence[RuleFigures]) -> list[str]:
    judged = sum(rule.judged for rule in figures)
    correct = sum(rule.correct for rule in figures)
    debatable = sum(rule.debatable for rule in figures)
    unjudged = sum(rule.unjudged for rule in figures)
    weighted = [rule for rule in figures if rule.judged]
    hits = sum(rule.hits for rule in weighted)
    line = f"- {label}: {correct}/{judged} sampled hits correct"
    if judged:
        line += (
            f" ({percent(correct / judged)}; {percent((correct + debatable) / judged)}"
            " counting debatable as correct)"
        )
    if hits:
        estimate = sum(rule.hits * (rule.precision or 0.0) for rule in weighted) / hits
        line += f"; weighted by each rule's hits: {percent(estimate)}"
    if unjudged:
        line += f"; {unjudged} sampled hits unjudged"
    return [line + "."]


def corpus_section(spec: CorpusSpec, *, list_unjudged: bool) -> list[str]:
    record, figures, rows = load_run(spec)
    top_level: dict[str, dict[str, int]] = record["top_level"]  # type: ignore[assignment]
    lines = [
        f"## {spec.title}",
        "",
        f"`{record['wirelint']}` (commit {record['commit']}) on {record['files']:,} files,"
        f" {record['lines']:,} lines, run {record['date']} on {record['machine']}:"
        f" `wirelint check --preview --select ALL` took {record['check_seconds']} s."
        f" Pins: `{spec.pins_file.relative_to(REPO_ROOT)}`. Sample: up to"
        f" {record['sample_size']} hits per rule, seed `{record['seed']}`."
        f" Judgements: `{spec.judgements_dir.relative_to(REPO_ROOT)}/`.",
        "",
        "<details><summary>Packages (top-level directories)</summary>",
        "",
        "| directory | files | lines |",
        "|---|---:|---:|",
        *(
            f"| {name} | {size['files']:,} | {size['lines']:,} |"
            for name, size in sorted(top_level.items(), key=lambda item: -item[1]["lines"])
        ),
        "",
        "</details>",
        "",
        "| code | name | status | hits | sampled | correct | false pos. | debatable | unjudged"
        " | precision | with debatable | gate |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for rule in figures:
        if rule.hits == 0 and not rule.sampled:
            continue
        lines.append(
            f"| {rule.code} | {rule.name} | {rule.status} | {rule.hits} | {rule.sampled}"
            f" | {rule.correct} | {rule.false_positive} | {rule.debatable} | {rule.unjudged}"
            f" | {percent(rule.precision)} | {percent(rule.lenient_precision)} | {rule.gate} |"
        )
    silent = [rule.code for rule in figures if rule.hits == 0]
    lines += ["", f"No hits: {', '.join(silent) or 'none'}.", ""]
    stable = [rule for rule in figures if rule.status == "stable"]
    lines += overall_lines("Stable rules", stable)
    lines += overall_lines("All rules, preview included", figures)
    failing = [rule.code for rule in stable if rule.gate == "FAIL"]
    unclaimed = [rule.code for rule in stable if rule.gate.startswith("not claimed")]
    lines.append(f"- Stable rules below the {percent(GATE)} gate: {', '.join(failing) or 'none'}.")
    if unclaimed:
        lines.append(f"- Stable rules whose gate is not claimed yet: {', '.join(unclaimed)}.")
    classes = [
        (rule.hits * count / rule.judged, verdict, name, rule.code, count)
        for rule in figures
        for (verdict, name), count in rule.classes.items()
    ]
    if classes:
        lines += [
            "",
            "False-positive and debatable classes in the sample, by the hits they cost"
            " (estimated hits = the rule's hits times the class's share of its judged sample):",
            "",
            "| class | rule | verdict | sampled | estimated hits |",
            "|---|---|---|---:|---:|",
        ]
        for cost, verdict, name, code, count in sorted(classes, key=lambda item: -item[0]):
            lines.append(f"| {name} | {code} | {verdict} | {count} | {cost:.0f} |")
    retired: dict[str, dict[str, int]] = record["judged_outside_sample"]  # type: ignore[assignment]
    if retired:
        lines += [
            "",
            "Judged hits outside the current sample (`gone` = wirelint no longer reports them):",
            "",
        ]
        for code, states in sorted(retired.items()):
            detail = ", ".join(
                f"{state.replace('_', ' ')}: {n}" for state, n in sorted(states.items())
            )
            lines.append(f"- {code}: {detail}")
    sampled_keys = {
        tuple(key)
        for keys in record["sample"].values()
        for key in keys  # type: ignore[union-attr]
    }
    by_key = {row.key: row for row in rows}
    unjudged = [
        by_key.get((str(k[0]), str(k[1]), int(k[2]), int(k[3])))
        for k in sorted(sampled_keys)  # type: ignore[arg-type]
    ]
    waiting = [row for row in unjudged if row is None or row.verdict == UNJUDGED]
    if waiting:
        lines += ["", f"### Unjudged sampled hits ({len(waiting)})", ""]
        if list_unjudged:
            for row in waiting:
                if row is None:
                    continue
                note = f" ({row.reason})" if row.reason else ""
                lines.append(f"- {row.code} `{row.path}:{row.line}`{note}: `{row.source}`")
        else:
            lines.append(
                f"Listed as `{UNJUDGED}` rows in `{spec.judgements_dir.relative_to(REPO_ROOT)}/`;"
                " judging them is not required for this corpus."
            )
    return [*lines, ""]


def write_report(names: Sequence[str]) -> None:
    lines = [
        "# Field report",
        "",
        f"Generated by `{COMMAND}` (`{COMMAND} report` re-renders it from the stored"
        " judgements). Every rule runs, preview included. Each rule's hits are sampled"
        f" (up to {SAMPLE_SIZE}, by a seeded hash of the hit, so a sample changes only where"
        " hits change) and each sampled hit is judged against the rule's own documentation"
        " (`wirelint rule WLxxx`) and the policy: `correct`, `false-positive` or `debatable`,"
        " with a one-line reason, in `bench/judgements/<corpus>/<CODE>.tsv`.",
        "",
        "Precision = correct / judged: a debatable hit counts against the rule (the column"
        ' "with debatable" counts it for).'
        " The gate, the project's bar for a stable rule:"
        f" at least {percent(GATE)} on application code."
        " The gate is claimed only when every sampled hit is judged; with 15 samples, one"
        " false positive or debatable hit fails it. Findings for the next engineer:"
        " `bench/judgements/findings.md`.",
        "",
    ]
    for name in names:
        spec = CORPORA[name]
        if not (spec.judgements_dir / "run.json").exists():
            continue
        lines += corpus_section(spec, list_unjudged=name == "app")
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    harness.log(f"wrote {REPORT.relative_to(REPO_ROOT)}")


# ---------------------------------------------------------------- pending


def print_pending(spec: CorpusSpec, code: str | None, context: int) -> int:
    shown = 0
    for path in sorted(spec.judgements_dir.glob("WL*.tsv")):
        if code and not path.stem.startswith(code):
            continue
        for row in read_judgements(path):
            if row.verdict != UNJUDGED:
                continue
            shown += 1
            source_file = spec.packages_dir / row.path
            text = physical_lines(source_file.read_text(encoding="utf-8", errors="replace"))
            first, last = max(1, row.line - context), min(len(text), row.line + context)
            print(f"=== {row.code} {row.path}:{row.line}:{row.column} {row.message}")
            if row.reason:
                print(f"    ({row.reason})")
            for number in range(first, last + 1):
                marker = ">" if number == row.line else " "
                print(f"{marker}{number:6} {text[number - 1]}")
    print(f"{shown} unjudged", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="run", choices=("run", "report", "pending"))
    parser.add_argument(
        "--corpus", choices=(*CORPORA, "both"), default=None, help="default: both (app for pending)"
    )
    parser.add_argument("--wirelint", type=Path, help="use this binary; skips the build")
    parser.add_argument("--no-build", action="store_true", help="use target/release/wirelint")
    parser.add_argument("--rebuild", action="store_true", help="reinstall the corpus")
    parser.add_argument("--seed", default=SEED)
    parser.add_argument("--sample-size", type=int, default=SAMPLE_SIZE)
    parser.add_argument("--code", help="pending: only this rule (or prefix)")
    parser.add_argument("--context", type=int, default=8, help="pending: lines each side")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    names = ["app", "sdk"] if args.corpus in (None, "both") else [args.corpus]
    try:
        if args.command == "pending":
            return print_pending(CORPORA[args.corpus or "app"], args.code, args.context)
        if args.command == "run":
            started = time.monotonic()
            if args.wirelint:
                binary = args.wirelint.resolve()
            elif args.no_build:
                binary = harness.DEFAULT_WIRELINT
            else:
                binary = harness.build_wirelint()
            for name in names:
                check_corpus(
                    CORPORA[name],
                    binary,
                    rebuild=args.rebuild,
                    seed=args.seed,
                    size=args.sample_size,
                )
            harness.log(f"field check took {time.monotonic() - started:.1f} s")
        write_report(list(CORPORA))
    except harness.BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return harness.EXIT_ERROR
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
