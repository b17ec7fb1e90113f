"""The errors a person can cause. Every one is a `TabletopError`; the CLI prints its
message in a line or two and exits 2, so no traceback ever reaches a facilitator."""

from __future__ import annotations

from dataclasses import dataclass


class TabletopError(Exception):
    """Something a person can fix: bad input, a bad file, an impossible request."""


class Interrupted(Exception):
    """A person stopped a command (Ctrl-C); the message says what was kept. Exit 130."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a file, at a place a person can jump to."""

    file: str
    line: int
    column: int
    path: str
    message: str
    excerpt: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text}\n{self.excerpt}" if self.excerpt else text

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "path": self.path, "message": self.message}


class ScenarioError(TabletopError):
    """A scenario (or variant) file with one or more problems, all of them listed."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.column))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class JournalError(TabletopError):
    """A journal file that cannot be used as asked (missing, locked, foreign, changed)."""
