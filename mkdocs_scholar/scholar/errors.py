"""One exception family for every user-facing problem, each with a place and a hint."""

from __future__ import annotations


class ScholarError(Exception):
    """A problem a user can fix: what is wrong, where (path and line), and what to do."""

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        text = placed(self.message, self.path, self.line)
        return f"{text} ({self.hint})" if self.hint else text


def placed(message: str, path: str | None, line: int | None) -> str:
    """``path:line: message``, as compilers and MkDocs' own warnings write a place."""
    if not path:
        return message
    return f"{path}:{line}: {message}" if line else f"{path}: {message}"


class Problem:
    """A problem found while building that does not stop the page: reported as a warning.

    ``line`` is 1-based within ``path`` (a docs-relative page path, a .bib file, an include); the caller
    fills in ``path`` where the core only knows the line.
    """

    __slots__ = ("message", "line", "path", "hint")

    def __init__(
        self, message: str, *, line: int | None = None, path: str | None = None, hint: str | None = None
    ):
        self.message = message
        self.line = line
        self.path = path
        self.hint = hint

    @classmethod
    def from_error(cls, err: ScholarError, *, line: int | None = None, path: str | None = None) -> Problem:
        return cls(err.message, line=err.line or line, path=err.path or path, hint=err.hint)

    def __str__(self) -> str:
        text = placed(self.message, self.path, self.line)
        return f"{text}; {self.hint}" if self.hint else text

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"
