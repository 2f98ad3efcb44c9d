"""Type stubs for `wirelint._core`, the Rust extension module (crates/wirelint_python)."""

from typing import Literal

__version__: str

# (content, line, column, end_line, end_column)
EditRow = tuple[str, int, int, int, int]
# (applicability, message, edits)
FixRow = tuple[Literal["safe", "unsafe"], str, list[EditRow]]
# (code, name, message, path, line, column, end_line, end_column, fix)
DiagnosticRow = tuple[str, str, str, str, int, int, int, int, FixRow | None]
# (kind, path, description)
RunErrorRow = tuple[Literal["missing-path", "walk", "panic"], str, str]
# (code, name, family, status, summary, docs)
RuleRow = tuple[str, str, str, Literal["stable", "preview", "always"], str, str]

def check(
    paths: list[str],
    select: list[str] | None,
    ignore: list[str],
    preview: bool,
    config: str | None,
    isolated: bool,
) -> tuple[list[DiagnosticRow], list[RunErrorRow]]:
    """Checks every Python file under `paths`, each with the configuration that governs it
    (`config`: one file for all; `isolated`: none); returns (diagnostics, errors)."""

def check_source(
    source: str, filename: str, select: list[str] | None, ignore: list[str], preview: bool
) -> list[DiagnosticRow]:
    """Lints one source text, reporting it as `filename`."""

def rules() -> list[RuleRow]:
    """Every rule in the registry, in code order."""

def main(argv: list[str]) -> int:
    """Runs the wirelint CLI with `argv` (program name first); returns the exit code."""
