"""The seats' inbox: what the player cells send from their own seats (`tabletop seat`) — a
choice at a decision open to them, or a note to the controller (a question, a move the
options do not cover) — waiting for the controller's console to journal it.

The journal has one writer, the console; a seat must not write into it. So a seat writes
here — a small SQLite file beside the journal, `NAME.inbox.sqlite`, made by the first seat
and committed to before the seat says "sent" — and the console, which polls the inbox as
its clock ticks once it exists, submits each choice as a player's decision and each note as
the cell's note, then writes the answer back (recorded at T+…, or refused and why) for the
seat to show. Nothing a player sent is lost: it is on disk at the seat before it is on
screen, and a console reopened after a crash takes what waits.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from sim.errors import JournalError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    n INTEGER PRIMARY KEY, wall TEXT NOT NULL, cell TEXT NOT NULL,
    decision TEXT, incident TEXT, option TEXT, note TEXT,
    answered INTEGER NOT NULL DEFAULT 0, t REAL, refused TEXT,
    CHECK ((note IS NULL) = (decision IS NOT NULL AND option IS NOT NULL)))
"""
_COLUMNS = "n, cell, decision, incident, option, note, answered, t, refused"
BUSY_MS = 5000  # a seat and the console may write at once: SQLite waits its turn for us


@dataclass(frozen=True)
class Sent:
    """What one seat sent — a choice (`decision`, `incident`, `option`) or a `note` — and
    the console's answer once it has one."""

    n: int
    cell: str
    decision: str | None = None
    incident: str | None = None
    option: str | None = None
    note: str | None = None
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

    def choose(self, cell: str, decision: str, incident: str | None, option: str) -> int:
        """A seat's choice, committed before this returns; its number."""
        return self._insert(cell, decision, incident, option)

    def write(self, cell: str, note: str) -> int:
        """A seat's note to the controller, committed before this returns; its number."""
        return self._insert(cell, note=note)

    def waiting(self) -> list[Sent]:
        """What the console has not answered yet, in the order it was sent."""
        return self._sent("answered = 0", ())

    def answer(self, n: int, t: float, refused: str | None) -> None:
        """The console's answer to what was sent as `n`: journaled at `t`, or refused and
        why."""
        self._run("UPDATE sent SET answered = 1, t = ?, refused = ? WHERE n = ?",
                  (t, refused, n))

    def sent_by(self, cell: str) -> list[Sent]:
        """Everything one seat sent, with the answers so far."""
        return self._sent("cell = ?", (cell,))

    def _insert(self, cell: str, decision: str | None = None, incident: str | None = None,
                option: str | None = None, note: str | None = None) -> int:
        wall = datetime.now(UTC).isoformat(timespec="milliseconds")
        cursor = self._run("INSERT INTO sent (wall, cell, decision, incident, option, note) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           (wall, cell, decision, incident, option, note))
        return int(cursor.lastrowid or 0)

    def _sent(self, where: str, args: tuple) -> list[Sent]:
        rows = self._run(f"SELECT {_COLUMNS} FROM sent WHERE {where} ORDER BY n",
                         args).fetchall()
        return [Sent(n, c, d, i, o, note, bool(a), t, r) for n, c, d, i, o, note, a, t, r in rows]

    def _run(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.Error as error:
            raise JournalError(f"{self.path}: the seats' inbox cannot be used ({error})") \
                from None
