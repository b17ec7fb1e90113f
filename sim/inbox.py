"""The seats' inbox: choices the player cells make at their own seats (`tabletop seat`),
waiting for the controller's console to journal them.

The journal has one writer, the console; a seat must not write into it. So a seat writes
its choice here — a small SQLite file beside the journal, `NAME.inbox.sqlite`, made by the
first seat and committed to before the seat says "sent" — and the console, which polls the
inbox as its clock ticks once it exists, submits each choice as a player's decision, then
writes the answer back (recorded at T+…, or refused and why) for the seat to show. Nothing
a player chose is lost: it is on disk at the seat before it is on screen, and a console
reopened after a crash takes what waits.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from sim.errors import JournalError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS choices (
    n INTEGER PRIMARY KEY, wall TEXT NOT NULL, cell TEXT NOT NULL, decision TEXT NOT NULL,
    incident TEXT, option TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0, t REAL, refused TEXT)
"""
BUSY_MS = 5000  # a seat and the console may write at once: SQLite waits its turn for us


@dataclass(frozen=True)
class Choice:
    """One seat's choice, and the console's answer once it has one."""

    n: int
    cell: str
    decision: str
    incident: str | None
    option: str
    answered: bool = False
    t: float | None = None  # the sim time it was journaled at
    refused: str | None = None


def inbox_path(journal_path: str) -> str:
    """`ex.sqlite` → `ex.inbox.sqlite`, beside it."""
    stem, _ = os.path.splitext(journal_path)
    return f"{stem}.inbox.sqlite"


class Inbox:
    """An open inbox (created when missing)."""

    def __init__(self, journal_path: str):
        self.path = inbox_path(journal_path)
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as error:
            raise JournalError(f"{self.path}: the seats' inbox cannot be used ({error}) — "
                               "check that its folder is writable") from None

    def close(self) -> None:
        self._db.close()

    def send(self, cell: str, decision: str, incident: str | None, option: str) -> int:
        """A seat's choice, committed before this returns; its number."""
        wall = datetime.now(UTC).isoformat(timespec="milliseconds")
        cursor = self._run("INSERT INTO choices (wall, cell, decision, incident, option) "
                           "VALUES (?, ?, ?, ?, ?)", (wall, cell, decision, incident, option))
        return int(cursor.lastrowid or 0)

    def waiting(self) -> list[Choice]:
        """The choices the console has not answered yet, in the order they were made."""
        rows = self._run("SELECT n, cell, decision, incident, option FROM choices "
                         "WHERE answered = 0 ORDER BY n").fetchall()
        return [Choice(*row) for row in rows]

    def answer(self, n: int, t: float, refused: str | None) -> None:
        """The console's answer to choice `n`: journaled at `t`, or refused and why."""
        self._run("UPDATE choices SET answered = 1, t = ?, refused = ? WHERE n = ?",
                  (t, refused, n))

    def choices(self, cell: str) -> list[Choice]:
        """Every choice one seat made, with the answers so far."""
        rows = self._run("SELECT n, cell, decision, incident, option, answered, t, refused "
                         "FROM choices WHERE cell = ? ORDER BY n", (cell,)).fetchall()
        return [Choice(n, c, d, i, o, bool(a), t, r) for n, c, d, i, o, a, t, r in rows]

    def _run(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.Error as error:
            raise JournalError(f"{self.path}: the seats' inbox cannot be used ({error})") \
                from None
