"""The records wirelint returns: diagnostics with their fixes, and rule descriptions."""

from __future__ import annotations

from dataclasses import Field, dataclass, fields
from typing import Any, ClassVar, Literal

Applicability = Literal["safe", "unsafe"]
RuleStatus = Literal["stable", "preview", "always"]


class _Record:
    """Pickles a frozen slotted dataclass through its constructor.

    The default pickle path restores slots with `setattr`, which a frozen
    dataclass refuses; rebuilding from the field values works on every Python.
    """

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def __reduce__(self) -> tuple[type[_Record], tuple[object, ...]]:
        return (type(self), tuple(getattr(self, field.name) for field in fields(self)))


@dataclass(frozen=True)
class Edit(_Record):
    """Replace the text from (`line`, `column`) up to (`end_line`, `end_column`) with `content`.

    Lines and columns are 1-based; columns count characters, not bytes. The
    end position is exclusive.
    """

    __slots__ = ("column", "content", "end_column", "end_line", "line")

    content: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Fix(_Record):
    """The edits that together resolve one diagnostic.

    `applicability` is "safe" (behaviour-preserving) or "unsafe" (may change
    behaviour); `message` says what the fix does.
    """

    __slots__ = ("applicability", "edits", "message")

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Diagnostic(_Record):
    """One finding: rule `code` and `name`, a `message`, and where it is.

    `path` is the file (or the `filename` given to `check_source`). Lines and
    columns are 1-based, columns count characters, and the end is exclusive.
    `fix` is the suggested fix, or None.
    """

    __slots__ = (
        "code",
        "column",
        "end_column",
        "end_line",
        "fix",
        "line",
        "message",
        "name",
        "path",
    )

    code: str
    name: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None


@dataclass(frozen=True, repr=False)
class Rule(_Record):
    """One rule of the registry.

    `family` is the title of the rule's family (e.g. "timeouts"); `status` is
    "stable" (on by default), "preview" (needs `preview=True`) or "always"
    (cannot be deselected); `docs` is the rule's full Markdown documentation.
    """

    __slots__ = ("code", "docs", "family", "name", "status", "summary")

    code: str
    name: str
    family: str
    status: RuleStatus
    summary: str
    docs: str

    def __repr__(self) -> str:
        # The docs run to many lines: leave them out of the repr.
        return (
            f"Rule(code={self.code!r}, name={self.name!r}, family={self.family!r}, "
            f"status={self.status!r}, summary={self.summary!r})"
        )
