"""The journal: one SQLite file per exercise, append-only, that loses nothing.

It holds the scenario's exact text and hash, the seed and tool version (`meta`), every
command a person entered with the sim time it took effect (`commands`, refused ones too,
with the reason, and the player cells' seat it came from, if it came from one) and every
event (`events`). WAL with `synchronous=FULL`: a command is committed to disk before
`submit` returns. Every sqlite3 failure becomes a `JournalError` that says what is wrong
with the file and what to do.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

import orjson

from sim import __version__
from sim import events as ev
from sim.collector import collector_paused
from sim.commands import COMMANDS
from sim.errors import JournalError
from sim.loader import load_scenario_text, scenario_hash
from sim.scenario import Scenario
from sim.variants import Setting, run_label

FORMAT = "tabletop-journal"
FORMAT_VERSION = "1"

# Events have no index but their seq: they are written in time order, and an index on
# `t` made every event write half as slow again.
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE commands (
    n INTEGER PRIMARY KEY, t REAL NOT NULL, step INTEGER NOT NULL, wall TEXT NOT NULL,
    kind TEXT NOT NULL, payload TEXT NOT NULL, refused TEXT, seat TEXT);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
"""
# Events go in ROWS_PER_INSERT rows to a statement: a third cheaper than one row a time.
ROWS_PER_INSERT = 250
_INSERT_ONE = "INSERT INTO events VALUES (?, ?, ?, ?)"
_INSERT_COMMAND = ("INSERT INTO commands (t, step, wall, kind, payload, refused, seat) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)")
_INSERT_MANY = "INSERT INTO events VALUES " + ", ".join(["(?, ?, ?, ?)"] * ROWS_PER_INSERT)
# `seat` came with seats' moves; a journal from before has no such column, and gains it
# when it is opened to be written again
_SEAT_ADDED = "ALTER TABLE commands ADD COLUMN seat TEXT"


@dataclass(frozen=True)
class CommandRecord:
    n: int
    t: float
    step: int
    wall: str
    command: Any
    refused: str | None
    seat: str | None = None  # the player cells' seat it came from (None: the console)


class Journal:
    """An open journal file. Create one with `Journal.create`, reopen with `Journal.open`."""

    def __init__(self, path: str, connection: sqlite3.Connection, meta: dict[str, str],
                 writer: bool = True):
        self.path = path
        self._db = connection
        self.meta = meta
        self._lock = _writer_lock(path, connection) if writer else None

    # ------------------------------------------------------------------ opening

    @classmethod
    def create(cls, path: str, scenario_text: str, seed: int, variant: str | None = None,
               settings: Sequence[Setting] = ()) -> Journal:
        """A new journal for a run of the scenario (as its `variant`, with `settings` put in
        from the command line); refuses to overwrite an existing file."""
        _not_a_folder(path)
        if os.path.exists(path):
            raise JournalError(f"{path} already exists — reopen it (tabletop resume/play "
                               "--journal) or choose another file name")
        db = _connect(path, f"file:{_uri(path)}?mode=rwc")
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "tabletop_version": __version__, "scenario_text": scenario_text,
                "scenario_hash": scenario_hash(scenario_text), "seed": str(seed),
                "created": datetime.now(UTC).isoformat(timespec="seconds"), "clock": "0",
                **({"variant": variant} if variant else {}),
                **({"settings": json.dumps([[s.path, s.value] for s in settings])}
                   if settings else {})}
        journal = cls(path, db, meta)
        with journal._write():
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    db.execute(statement)
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        return journal

    @classmethod
    def open(cls, path: str, *, readonly: bool = False) -> Journal:
        """Reopen an existing journal; refuses missing, foreign, damaged or newer files."""
        if not os.path.exists(path):
            raise JournalError(f"{path}: no such journal — check the path, or start an exercise "
                               "with 'tabletop run/play SCENARIO --journal FILE'")
        _not_a_folder(path)
        if all(os.path.getsize(p) == 0 for p in (path, f"{path}-wal") if os.path.exists(p)):
            raise JournalError(f"{path} is empty: no exercise was journaled in it — delete it, "
                               "then start the exercise with 'tabletop run/play SCENARIO "
                               "--journal FILE'")
        mode = "ro" if readonly else "rw"
        if not readonly and not os.access(path, os.W_OK):
            raise JournalError(f"{path} is read-only — copy it somewhere writable, or open it "
                               "read-only with 'tabletop review'")
        if readonly and not os.path.exists(f"{path}-shm") and not os.access(
                os.path.dirname(os.path.abspath(path)), os.W_OK):
            mode += "&immutable=1"  # WAL reading needs a -shm file, which no one is writing
        db = _connect(path, f"file:{_uri(path)}?mode={mode}")
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            db.execute("SELECT count(*) FROM events").fetchone()
            db.execute("SELECT count(*) FROM commands").fetchone()
        except sqlite3.DatabaseError as error:
            db.close()
            raise _foreign(path, error) from None
        if meta.get("format") != FORMAT:
            db.close()
            raise JournalError(f"{path} is an SQLite file but not a tabletop journal")
        if meta.get("format_version") != FORMAT_VERSION:
            db.close()
            raise JournalError(f"{path} is a version {meta.get('format_version')} journal; this "
                               f"tabletop ({__version__}) reads version {FORMAT_VERSION} — open "
                               f"it with tabletop {meta.get('tabletop_version')}")
        journal = cls(path, db, meta, writer=not readonly)
        if not readonly and not journal._keeps_seats():
            with journal._write() as writing:
                writing.execute(_SEAT_ADDED)
        return journal

    def close(self) -> None:
        self._db.close()
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    # ------------------------------------------------------------------ what it holds

    @property
    def scenario_text(self) -> str:
        return self.meta["scenario_text"]

    @property
    def seed(self) -> int:
        return int(self.meta["seed"])

    @property
    def variant(self) -> str | None:
        """The policy variant of the scenario this exercise ran, if any."""
        return self.meta.get("variant")

    @property
    def settings(self) -> list[Setting]:
        """The values put into the scenario from the command line (`--set`), if any."""
        return settings_of(self.meta)

    def scenario(self) -> Scenario:
        """The scenario this exercise ran: its text, as the variant and with the settings it
        ran with."""
        return load_scenario_text(self.scenario_text, f"{self.path} (its scenario)",
                                  self.variant, self.settings)

    @property
    def clock(self) -> float:
        return float(self.meta.get("clock", "0"))

    def commands(self) -> list[CommandRecord]:
        seat = "seat" if self._keeps_seats() else "NULL"
        rows = self._read(f"SELECT n, t, step, wall, payload, refused, {seat} FROM commands "
                          "ORDER BY n")
        try:
            return [CommandRecord(n, t, step, wall, COMMANDS.validate_json(payload), refused,
                                  seat) for n, t, step, wall, payload, refused, seat in rows]
        except ValueError as error:
            raise JournalError(f"{self.path}: a command in the journal is not readable "
                               f"({error.__class__.__name__}) — the file is damaged") from None

    def events(self) -> list[ev.Event]:
        """The events in order (decoded with the cyclic collector paused: see
        `sim.collector`)."""
        rows = self._read("SELECT seq, t, kind, payload FROM events ORDER BY seq")
        with collector_paused():
            return [ev.decode(*row) for row in rows]

    def follow(self, after: int) -> tuple[list[ev.Event], float]:
        """The events after number `after` and the clock reached, read in one transaction
        (the writer commits both together): what a follower of a live exercise has not seen."""
        try:
            with self._db:
                self._db.execute("BEGIN")
                rows = self._db.execute("SELECT seq, t, kind, payload FROM events WHERE seq > ? "
                                        "ORDER BY seq", (after,)).fetchall()
                clock = self._db.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
        except sqlite3.Error as error:
            raise _failure(self.path, error) from None
        with collector_paused():
            return [ev.decode(*row) for row in rows], float(clock[0]) if clock else 0.0

    def policy(self) -> dict[str, str]:
        """The decisions a headless run was told to take (`--decide`), for `resume`."""
        return json.loads(self.meta.get("policy", "{}"))

    def set_policy(self, choices: dict[str, str]) -> None:
        text = json.dumps(choices, sort_keys=True)
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('policy', ?)", (text,))
        self.meta["policy"] = text

    # ------------------------------------------------------------------ writing

    def record_command(self, t: float, step: int, command: Any, refused: str | None,
                       seat: str | None = None) -> None:
        """Commit a command (even a refused one) to disk, with the seat it came from."""
        with self._write() as db:
            db.execute(_INSERT_COMMAND, command_row(t, step, command, refused, seat))

    def append_events(self, events: list[ev.Event], clock: float,
                      commands: Sequence[tuple[float, int, Any, str | None]] = ()) -> None:
        """Commit a batch of events, the commands taken among them — (t, step, command,
        refused) of a policy's answers, which a replay reproduces, so they are stamped with
        the wall clock as they are written — and the clock reached, in one transaction: the
        journal never holds an event without the command before it."""
        whole = len(events) - len(events) % ROWS_PER_INSERT
        with self._write() as db:
            db.executemany(_INSERT_COMMAND, [command_row(*c) for c in commands])
            for start in range(0, whole, ROWS_PER_INSERT):
                db.execute(_INSERT_MANY, _values(events[start:start + ROWS_PER_INSERT]))
            db.executemany(_INSERT_ONE, [_values((e,)) for e in events[whole:]])
            db.execute("UPDATE meta SET value = ? WHERE key = 'clock'", (repr(clock),))
        self.meta["clock"] = repr(clock)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            raise _failure(self.path, error) from None

    def _keeps_seats(self) -> bool:
        """Has the commands table its `seat` column (see `_SEAT_ADDED`)?"""
        return any(column[1] == "seat" for column in self._read("PRAGMA table_info(commands)"))

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as error:
            raise _failure(self.path, error) from None


def settings_of(meta: dict[str, str]) -> list[Setting]:
    """The `--set` values a journal's meta records."""
    return [Setting(path, value) for path, value in json.loads(meta.get("settings", "[]"))]


def ran_as(meta: dict[str, str]) -> str:
    """The variant and the `--set` values a journaled run was made with, named as a batch
    names them (`era-a; channels.bilateral liaison.latency=5m`); '' for the scenario as
    written."""
    return run_label(meta.get("variant"), settings_of(meta))


def command_row(t: float, step: int, command: Any, refused: str | None,
                seat: str | None = None) -> tuple:
    """A command as the journal stores it, stamped with the wall clock now."""
    wall = datetime.now(UTC).isoformat(timespec="milliseconds")
    return t, step, wall, command.kind, command.model_dump_json(by_alias=True), refused, seat


def _values(events: list[ev.Event] | tuple[ev.Event, ...]) -> list[Any]:
    """Each event's seq, t, kind and payload, one after another: an INSERT's parameters."""
    values: list[Any] = []
    encode = ev.encode
    for e in events:
        values += (e.seq, e.t, e.kind, encode(e))
    return values


def _writer_lock(path: str, db: sqlite3.Connection) -> int | None:
    """One writer per journal: two consoles appending to one exercise would interleave
    their commands. An advisory lock on the file, released when the process ends, however
    it ends; readers (review, export, report) take none."""
    if fcntl is None:  # pragma: no cover - not POSIX
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        db.close()
        raise JournalError(f"{path} is in use by another tabletop (a console or a run is writing "
                           "it) — close that one first, or look at it read-only with 'tabletop "
                           "review' or 'tabletop export'") from None
    return fd


def _not_a_folder(path: str) -> None:
    if os.path.isdir(path):
        raise JournalError(f"{path} is a folder, not a journal — name a journal file in it (a "
                           "journal is one .sqlite file per exercise)")


def _uri(path: str) -> str:
    return os.path.abspath(path).replace("?", "%3f").replace("#", "%23")


def _connect(path: str, uri: str) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=2.0)
        if "mode=rwc" in uri:  # only a new journal: WAL persists, and a foreign file is not ours
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db
    except sqlite3.Error as error:
        raise _failure(path, error) from None


def _foreign(path: str, error: sqlite3.Error) -> JournalError:
    text = str(error)
    if "no such table" in text:
        return JournalError(f"{path} is an SQLite file but not a tabletop journal")
    return _failure(path, error)


def _failure(path: str, error: sqlite3.Error) -> JournalError:
    text = str(error).lower()
    if "not a database" in text:
        return JournalError(f"{path} is not a tabletop journal (not an SQLite file)")
    if "malformed" in text or "disk image" in text:
        return JournalError(f"{path} is damaged (truncated or overwritten) — restore it from a "
                            "copy; tabletop will not guess at missing events")
    if "locked" in text or "busy" in text:
        return JournalError(f"{path} is in use by another tabletop (locked) — close the other "
                            "console, then try again")
    if "readonly" in text or "read-only" in text:
        return JournalError(f"{path} is read-only — copy it somewhere writable, or open it "
                            "read-only with 'tabletop review'")
    if "disk is full" in text:
        return JournalError(f"the disk holding {path} is full — free some space: what is in the "
                            "journal is safe, and 'tabletop resume' (or 'tabletop play "
                            "--journal') goes on from it")
    if "unable to open" in text:
        return JournalError(f"cannot open {path} — check that its folder exists and is writable")
    return JournalError(f"{path}: {error}")


def canonical_lines(events: list[ev.Event]) -> Iterator[str]:
    """The JSONL export: one canonical JSON object per event, byte-stable across runs."""
    for e in events:
        yield orjson.dumps(ev.as_record(e), option=orjson.OPT_SORT_KEYS).decode()
