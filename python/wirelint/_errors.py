"""The exceptions wirelint raises: one base class, one subclass per kind of failure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wirelint._model import Diagnostic


class WirelintError(Exception):
    """Base class of every error wirelint raises; `message` says what went wrong."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(WirelintError):
    """The run's settings are invalid: an unknown rule selector or a bad configuration file."""


class CheckError(WirelintError):
    """Some paths could not be checked: a file the engine failed on, a directory it could
    not search, or (as `PathNotFoundError`) a path that does not exist.

    `path` is the first path that failed (None when the run as a whole failed);
    `message` lists every failure. Every other file was still checked, as on the
    command line: their findings are in `diagnostics`.
    """

    path: str | None
    diagnostics: tuple[Diagnostic, ...]

    def __init__(
        self, message: str, path: str | None = None, diagnostics: Sequence[Diagnostic] = ()
    ) -> None:
        super().__init__(message)
        self.path = path
        self.diagnostics = tuple(diagnostics)

    def __reduce__(
        self,
    ) -> tuple[type[CheckError], tuple[str, str | None, tuple[Diagnostic, ...]]]:
        return (type(self), (self.message, self.path, self.diagnostics))


class PathNotFoundError(CheckError):
    """Paths given to `wirelint.check` do not exist; `paths` names every one of them.

    The other paths were still checked: their findings are in `diagnostics`. `message`
    lists every failure, these and any other.
    """

    paths: tuple[str, ...]

    def __init__(
        self,
        paths: Iterable[str],
        diagnostics: Sequence[Diagnostic] = (),
        message: str | None = None,
    ) -> None:
        self.paths = tuple(paths)
        if message is None:
            noun = "path" if len(self.paths) == 1 else "paths"
            message = f"{noun} not found: {', '.join(self.paths)}"
        super().__init__(message, self.paths[0] if self.paths else None, diagnostics)

    def __reduce__(  # type: ignore[override]
        self,
    ) -> tuple[type[PathNotFoundError], tuple[tuple[str, ...], tuple[Diagnostic, ...], str]]:
        return (type(self), (self.paths, self.diagnostics, self.message))
