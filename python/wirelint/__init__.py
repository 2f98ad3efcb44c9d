"""wirelint: a fast, Rust-backed linter for network-client code. This is its Python API.

>>> import wirelint
>>> [d.code for d in wirelint.check_source("import requests\\nrequests.get(url)\\n")]
['WL203']

`check` lints files and directories, `check_source` lints one source text,
`rules` describes every rule. Every error raised is a `WirelintError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Union

from wirelint import _core
from wirelint._errors import CheckError, ConfigError, PathNotFoundError, WirelintError
from wirelint._model import Diagnostic, Edit, Fix, Rule

if TYPE_CHECKING:
    from wirelint._core import DiagnosticRow, FixRow

    StrPath = Union[str, os.PathLike[str]]

__all__ = [
    "CheckError",
    "ConfigError",
    "Diagnostic",
    "Edit",
    "Fix",
    "PathNotFoundError",
    "Rule",
    "WirelintError",
    "__version__",
    "check",
    "check_source",
    "rules",
]

__version__: str = _core.__version__


def check(
    paths: StrPath | Iterable[StrPath],
    *,
    select: str | Sequence[str] | None = None,
    ignore: str | Sequence[str] | None = None,
    preview: bool = False,
    config: StrPath | None = None,
    isolated: bool = False,
) -> list[Diagnostic]:
    """Checks every Python file under `paths` and returns the diagnostics.

    `paths` is one file or directory, or an iterable of them; directories are
    searched recursively for the files the configuration includes, skipping
    what it excludes and honouring `.gitignore`. An empty iterable checks
    nothing. Diagnostics are sorted by path, line and column.

    Each file is checked with the settings of the closest configuration
    above it (`[tool.wirelint]` in `pyproject.toml`, `wirelint.toml` or
    `.wirelint.toml`), as the command line does; relative paths are relative
    to the current directory. `config` (a path) governs every file with one
    configuration file instead; `isolated=True` ignores every configuration
    file.

    `select` replaces the configured rule selection; `ignore` removes rules
    from it. Both take codes or code prefixes ("WL2", "WL201", "ALL") as a
    list or as one comma-separated string; for each rule the most specific
    selector wins. `preview=True` also enables preview rules (so does
    `preview = true` in the configuration). WL001 (syntax error) and WL002
    (unreadable file) are always reported.

    The GIL is released while the files are checked. Ctrl-C interrupts a
    long check: called from the main thread, `check` stops within a fraction
    of a second and raises `KeyboardInterrupt` (or whatever exception a
    signal handler raised). Nothing is returned for the files already
    checked.

    Raises:
        PathNotFoundError: some paths do not exist. It names every missing
            path; nothing is returned for the paths that do exist.
        ConfigError: an unknown rule selector; an invalid or missing
            configuration file (the message names the file, the line and the
            key); `config=` together with `isolated=True`.
        CheckError: the engine failed on a file or could not walk a directory.
            The other files were still checked; their diagnostics are on the
            exception.
    """
    rows, errors = _core.check(
        _path_list(paths),
        _selector_list(select, "select"),
        _selector_list(ignore, "ignore") or [],
        preview,
        None if config is None else os.fsdecode(config),
        isolated,
    )
    diagnostics = [_diagnostic(row) for row in rows]
    missing = [path for kind, path, _ in errors if kind == "missing-path"]
    if missing:
        raise PathNotFoundError(missing)
    if errors:
        message = "\n".join(description for _, _, description in errors)
        raise CheckError(message, errors[0][1], diagnostics)
    return diagnostics


def check_source(
    source: str,
    *,
    filename: StrPath = "<string>",
    select: str | Sequence[str] | None = None,
    ignore: str | Sequence[str] | None = None,
    preview: bool = False,
) -> list[Diagnostic]:
    """Lints one Python source text and returns its diagnostics, sorted by position.

    `filename` becomes each diagnostic's `path`. `select`, `ignore` and
    `preview` work as in `check`. A syntax error is reported as WL001; the rest
    of the source is still checked where the parser recovered. The GIL is
    released while the source is checked.

    Raises:
        ConfigError: an unknown rule selector.
        CheckError: the engine failed on this source.
    """
    rows = _core.check_source(
        source,
        os.fsdecode(filename),
        _selector_list(select, "select"),
        _selector_list(ignore, "ignore") or [],
        preview,
    )
    return [_diagnostic(row) for row in rows]


def rules() -> list[Rule]:
    """Every rule wirelint knows, in code order, with its documentation."""
    return [Rule(*row) for row in _core.rules()]


def _path_list(paths: StrPath | Iterable[StrPath]) -> list[str]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        return [os.fsdecode(paths)]
    return [os.fsdecode(path) for path in paths]


def _selector_list(selectors: str | Sequence[str] | None, option: str) -> list[str] | None:
    """Splits comma-separated selectors; None stays None (the default)."""
    if selectors is None:
        return None
    items = [selectors] if isinstance(selectors, str) else selectors
    result: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(
                f"{option}= takes rule codes as strings, got {item!r} ({type(item).__name__})"
            )
        result.extend(part.strip() for part in item.split(",") if part.strip())
    return result


def _diagnostic(row: DiagnosticRow) -> Diagnostic:
    code, name, message, path, line, column, end_line, end_column, fix = row
    return Diagnostic(
        code,
        name,
        message,
        path,
        line,
        column,
        end_line,
        end_column,
        None if fix is None else _fix(fix),
    )


def _fix(row: FixRow) -> Fix:
    applicability, message, edits = row
    return Fix(applicability, message, tuple(Edit(*edit) for edit in edits))
