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


class PathNotFoundError(WirelintError):
    """Paths given to `wirelint.check` do not exist; `paths` names every one of them."""

    paths: tuple[str, ...]

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = tuple(paths)
        noun = "path" if len(self.paths) == 1 else "paths"
        super().__init__(f"{noun} not found: {', '.join(self.paths)}")

    def __reduce__(self) -> tuple[type[PathNotFoundError], tuple[tuple[str, ...]]]:
        return (type(self), (self.paths,))


class CheckError(WirelintError):
    """The engine failed on a file, or a directory could not be walked.

    `path` is the first path that failed (None when the run as a whole failed);
    `message` lists every failure. The other files were still checked: their
    findings are in `diagnostics`.
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
