"""Type stubs for `wirelint._core`, the Rust extension module (crates/wirelint_python).

Checked against the module itself by mypy's stubtest in the tests.
"""

from typing import Literal

from wirelint._model import Diagnostic

__all__ = ["__version__", "check", "check_source", "main", "rules"]

__version__: str

# (kind, path, description)
_RunErrorRow = tuple[Literal["missing-path", "walk", "panic"], str, str]
# (code, name, family, status, summary, docs)
_RuleRow = tuple[str, str, str, Literal["stable", "preview", "always"], str, str]

def check(
    paths: list[str],
    select: list[str] | None,
    ignore: list[str],
    preview: bool,
    config: str | None,
    isolated: bool,
) -> tuple[list[Diagnostic], list[_RunErrorRow]]:
    """Checks every Python file under `paths`, each with the configuration that governs it
    (`config`: one file for all; `isolated`: none); returns (diagnostics, errors)."""

def check_source(
    source: str, filename: str, select: list[str] | None, ignore: list[str], preview: bool
) -> list[Diagnostic]:
    """Lints one source text, reporting it as `filename`."""

def rules() -> list[_RuleRow]:
    """Every rule in the registry, in code order."""

def main(argv: list[str]) -> int:
    """Runs the wirelint CLI with `argv` (program name first); returns the exit code."""
