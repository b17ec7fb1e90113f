"""The seats' inbox: what the player cells send from their own seats (`tabletop seat`) — a
choice at a decision open to them, a move (take the lead, hand off, notify, share, ask
another agency to act or to deconflict, act), or a note to the controller — waiting for the
controller's console to journal it.

The journal has one writer, the console; a seat must not write into it. So a seat writes
the command it asks for here — a small SQLite file beside the journal, `NAME.inbox.sqlite`,
made by the first seat and committed to before the seat says "sent" — and the console,
which polls the inbox as its clock ticks once it exists, submits each command the cell may
give as the cell's own, then writes the answer back (recorded at T+…, or refused and why)
for the seat to show. Nothing a player sent is lost: it is on disk at the seat before it is
on screen, and a console reopened after a crash takes what waits.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from sim import commands as cmd
from sim.errors import JournalError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    n INTEGER PRIMARY KEY, wall TEXT NOT NULL, seat TEXT NOT NULL, command TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0, t REAL, refused TEXT)
"""  # seat: the seat's cells, comma-separated (an id holds no comma)
BUSY_MS = 5000  # a seat and the console may write at once: SQLite waits its turn for us

_MOVES = {  # a move in a few words, for the seat's list and the controller's notice
    "assume_lead": "take the lead on {incident}",
    "handoff": "hand {incident} to {to}",
    "notify": "tell {to} about {incident}",
    "share": "share {data} on {incident} with {to}",
    "request": "ask {by} to '{action}' on {incident}",
    "coordinate": "ask {with} to deconflict {domain} ({incident})",
    "act": "'{action}' on {incident}",
}


@dataclass(frozen=True)
class Sent:
    """What one seat sent (the seat of one cell, or of a table playing several), and the
    console's answer once it has one."""

    n: int
    cells: tuple[str, ...]
    command: cmd.Command
    answered: bool = False
    t: float | None = None  # the sim time it was journaled at
    refused: str | None = None

    @property
    def said(self) -> str:
        """`D-1 → monitor`, `note “Who leads?”`, `hand watcher to county-sheriff`."""
        c = self.command
        if isinstance(c, cmd.Decide):
            return f"{c.decision} → {c.option}"
        if isinstance(c, cmd.Note):
            return f"note “{c.text}”"
        return _MOVES.get(c.kind, c.kind).format(**c.model_dump(by_alias=True))


def seat_of(cells: Sequence[str]) -> str:
    """A seat in words: `bp-sector`, `bp-sector and sector-hq`."""
    return cells[0] if len(cells) == 1 else f"{', '.join(cells[:-1])} and {cells[-1]}"


def seat_author(*cells: str) -> str:
    """Who a note sent from a seat is by, in the journal and the AAR/IP: `bp-sector
    (player cell)`, `bp-sector and sector-hq (player cells)`."""
    return f"{seat_of(cells)} (player cell{'s' if len(cells) > 1 else ''})"


def not_the_cells(command: cmd.Command, cells: Sequence[str],
                  deciders: dict[str, str]) -> str | None:
    """Why a seat may not give this command (None: it may; `deciders` maps each decision
    to its cell): a seat decides its own cells' decisions, moves for its own cells, and
    writes notes as its cells; the MSEL, the clock and the ratings are the controller's and
    the evaluators'."""
    mine = " or ".join(cells)
    if isinstance(command, cmd.Decide):
        owner = deciders.get(command.decision)
        if owner is not None and owner not in cells:
            return f"{command.decision} is {owner}'s decision, not {mine}'s"
        return None if command.by == "player" else "a seat decides as its players"
    if isinstance(command, cmd.Note):
        author = seat_author(*cells)
        return (None if command.author == author and command.objective is None
                else f"a seat's note is by its cells ({author}) and on no objective")
    if not isinstance(command, cmd.PLAYER_MOVES):
        return f"'{command.kind}' is the controller's to do, not a player cell's"
    return None if command.agency in cells else (f"a seat moves for its own cells ({mine}), "
                                                 f"not for {command.agency}")


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

    def send(self, cells: Sequence[str], command: cmd.Command) -> int:
        """What a seat asks for, committed before this returns; its number."""
        wall = datetime.now(UTC).isoformat(timespec="milliseconds")
        cursor = self._run("INSERT INTO sent (wall, seat, command) VALUES (?, ?, ?)",
                           (wall, ",".join(cells), command.model_dump_json(by_alias=True)))
        return int(cursor.lastrowid or 0)

    def waiting(self) -> list[Sent]:
        """What the console has not answered yet, in the order it was sent."""
        return self._sent("answered = 0", ())

    def answer(self, n: int, t: float, refused: str | None) -> None:
        """The console's answer to what was sent as `n`: journaled at `t`, or refused and
        why."""
        self._run("UPDATE sent SET answered = 1, t = ?, refused = ? WHERE n = ?",
                  (t, refused, n))

    def sent_by(self, cells: Sequence[str]) -> list[Sent]:
        """Everything one seat sent, with the answers so far."""
        return self._sent("seat = ?", (",".join(cells),))

    def _sent(self, where: str, args: tuple) -> list[Sent]:
        rows = self._run("SELECT n, seat, command, answered, t, refused FROM sent "
                         f"WHERE {where} ORDER BY n", args).fetchall()
        try:
            return [Sent(n, tuple(seat.split(",")), cmd.COMMANDS.validate_json(command),
                         bool(answered), t, refused)
                    for n, seat, command, answered, t, refused in rows]
        except ValidationError:
            raise JournalError(f"{self.path}: the seats' inbox holds something that is not a "
                               "tabletop command — it was changed by hand; move it aside "
                               "and the seats start a new one") from None

    def _run(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.Error as error:
            raise JournalError(f"{self.path}: the seats' inbox cannot be used ({error})") \
                from None
