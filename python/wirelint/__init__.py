"""wirelint: a fast, Rust-backed linter for network-client code. This is its Python API.

>>> import wirelint
>>> [d.code for d in wirelint.check_source("import requests\\nrequests.get(url)\\n")]
['WL203']

`check` lints files and directories, `check_source` lints one source text,
`rules` describes every rule. Every error raised is a `WirelintError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Union

from wirelint import _core
from wirelint._errors import CheckError, ConfigError, PathNotFoundError, WirelintError
from wirelint._model import Diagnostic, Edit, Fix, Rule

if TYPE_CHECKING:
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
    nothing; an empty path ("") is not the current directory but a missing
    path, as on the command line. Diagnostics are sorted by path, line and
    column.

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

    The contract is the command line's: every path that can be checked is
    checked. When some cannot be (a path that does not exist, a directory
    that cannot be searched, a file the engine failed on), the command line
    reports the others' findings, names each failure and exits 2; `check`
    raises `CheckError` (`PathNotFoundError` when paths are missing), which
    names each failure and carries the others' findings in `diagnostics`.

    Raises:
        PathNotFoundError: some paths do not exist. `paths` names every
            missing one; `diagnostics` holds the findings in the others.
        CheckError: the engine failed on a file or could not search a
            directory; `diagnostics` holds the findings in the other files.
        ConfigError: an unknown rule selector; an invalid or missing
            configuration file (the message names the file, the line and the
            key); `config=` together with `isolated=True`.
    """
    diagnostics, errors = _core.check(
        _path_list(paths),
        _selector_list(select, "select"),
        _selector_list(ignore, "ignore") or [],
        preview,
        None if config is None else os.fsdecode(config),
        isolated,
    )
    if errors:
        message = "\n".join(description for _, _, description in errors)
        missing = [path for kind, path, _ in errors if kind == "missing-path"]
        if missing:
            raise PathNotFoundError(missing, diagnostics, message)
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
    of the source is still checked where the parser recovered. A source no
    UTF-8 file could hold (a lone surrogate such as "\\udcff") is reported as
    WL002. The GIL is released while the source is checked.

    Raises:
        ConfigError: an unknown rule selector.
        CheckError: the engine failed on this source.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    return _core.check_source(
        source,
        os.fsdecode(filename),
        _selector_list(select, "select"),
        _selector_list(ignore, "ignore") or [],
        preview,
    )


def rules() -> list[Rule]:
    """Every rule wirelint knows, in code order, with its documentation."""
    return [Rule(*row) for row in _core.rules()]


def _path_list(paths: StrPath | Iterable[StrPath]) -> list[str]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    result = [os.fsdecode(path) for path in paths]
    # A name no file system could hold (a lone surrogate that is not an
    # escaped byte) cannot exist.
    unencodable = [path for path in result if not _encodes(os.fsencode, path)]
    if unencodable:
        message = "\n".join(
            f"path {path!r} cannot exist: it cannot be encoded" for path in unencodable
        )
        raise PathNotFoundError(unencodable, (), message)
    return result


def _encodes(encode: Callable[[str], bytes], text: str) -> bool:
    try:
        encode(text)
    except UnicodeEncodeError:
        return False
    return True


def _selector_list(selectors: str | Sequence[str] | None, option: str) -> list[str] | None:
    """Splits comma-separated selectors; None stays None (the default)."""
    if selectors is None:
        return None
    # Bytes are a sequence too, of numbers: say what was passed, not which number.
    given: object = selectors
    if isinstance(given, (bytes, bytearray)):
        raise ConfigError(
            f"{option}= takes rule codes as a string or a list of strings, "
            f"got {selectors!r} ({type(selectors).__name__})"
        )
    items = [selectors] if isinstance(selectors, str) else selectors
    result: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(
                f"{option}= takes rule codes as strings, got {item!r} ({type(item).__name__})"
            )
        for part in item.split(","):
            if not _encodes(str.encode, part):
                raise ConfigError(f"{option}= got {part.strip()!r}, which is not a rule code")
            if part.strip():
                result.append(part.strip())
    return result
