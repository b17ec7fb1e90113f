"""The journal never loses a command and never damages a file: a journal that is missing,
read-only, locked, truncated or foreign is refused with a clear message (exit 2 through the
CLI), and the file is left exactly as it was."""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import re
import shutil
import sqlite3
import time
from contextlib import closing

import pytest
from cli_support import one_line_naming, read_only, tabletop
from conftest import world

from sim import commands as cmd
from sim import engine
from sim import events as ev
from sim.errors import JournalError
from sim.headless import play_out
from sim.journal import ROWS_PER_INSERT, Journal, canonical_lines
from sim.session import resume, start


def half_run(path: str, until: float = 30.0) -> str:
    """A journal of the mini world stopped at `until`, closed as an interrupted run leaves it."""
    exercise = start(world(), "story.yaml", 1, path)
    play_out(exercise, until=until)
    exercise.journal.close()
    return path


@pytest.fixture
def journal(tmp_path) -> str:
    return half_run(str(tmp_path / "exercise.sqlite"))


def contents(path: str) -> bytes:
    return pathlib.Path(path).read_bytes()


def rows(path: str) -> list[tuple]:
    """Everything committed to a journal, write-ahead log included, as a reader sees it."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as reader:
        return [row for table in ("meta", "commands", "events")
                for row in reader.execute(f"SELECT * FROM {table}")]


def truncated(path: str) -> None:
    pathlib.Path(path).write_bytes(contents(path)[: len(contents(path)) // 2])


def text_file(path: str) -> None:
    pathlib.Path(path).write_text("Hotwash notes, not a journal.\n" * 40)


def other_database(path: str) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE inventory (item TEXT, count INTEGER)")
    db.execute("INSERT INTO inventory VALUES ('radios', 12)")
    db.commit()
    db.close()


def same_tables_other_tool(path: str) -> None:
    db = sqlite3.connect(path)
    for table in ("meta (key, value)", "events (x)", "commands (x)"):
        db.execute(f"CREATE TABLE {table}")
    db.execute("INSERT INTO meta VALUES ('format', 'someone-elses-log')")
    db.commit()
    db.close()


def empty_file(path: str) -> None:
    pathlib.Path(path).write_bytes(b"")


BAD_FILES = {
    "truncated": (truncated, "is damaged (truncated or overwritten)"),
    "text-file": (text_file, "is not a tabletop journal (not an SQLite file)"),
    "other-database": (other_database, "is an SQLite file but not a tabletop journal"),
    "same-table-names": (same_tables_other_tool, "is an SQLite file but not a tabletop journal"),
    "empty-file": (empty_file, "is empty: no exercise was journaled in it — delete it, then "
                               "start the exercise with 'tabletop run/play SCENARIO --journal "
                               "FILE'"),
}


def test_missing_journal_is_refused_and_not_created(tmp_path):
    """Export and resume of a journal that is not there say so, and create no file."""
    path = tmp_path / "no-such.sqlite"
    with pytest.raises(JournalError, match="no such journal"):
        Journal.open(str(path))
    for command in ("export", "resume"):
        assert "no such journal" in one_line_naming(tabletop(command, path), path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_a_journal_is_named_as_a_folder(tmp_path):
    """`tabletop export exercises/` — the folder, not the file in it — says so, and so does
    `run --journal exercises/`."""
    for command in ("export", "review", "resume"):
        assert "is a folder, not a journal" in one_line_naming(tabletop(command, tmp_path),
                                                              tmp_path)
    scenario = tmp_path / "story.yaml"
    scenario.write_text(world())
    started = tabletop("run", scenario, "--journal", tmp_path)
    assert "is a folder, not a journal" in one_line_naming(started, tmp_path)


@pytest.mark.parametrize("damage", BAD_FILES, ids=list(BAD_FILES))
def test_damaged_or_foreign_file_is_refused_and_left_byte_for_byte(tmp_path, damage):
    """Every way of opening a damaged or foreign file refuses it, and not one byte changes."""
    make, message = BAD_FILES[damage]
    path = tmp_path / "exercise.sqlite"
    if damage == "truncated":
        half_run(str(path), until=120.0)
    make(str(path))
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(JournalError, match=re.escape(message)):
            Journal.open(str(path), readonly=readonly)
    with pytest.raises(JournalError):
        resume(str(path))
    for command in ("export", "resume"):
        assert message in one_line_naming(tabletop(command, path), path)
    assert path.read_bytes() == before
    assert all(p.stat().st_size == 0 for p in tmp_path.glob("exercise.sqlite-wal")), \
        "a write-ahead log would be replayed into the file on the next open"


@pytest.fixture
def read_only_journal(tmp_path):
    """A journal its reader cannot write, in a folder it cannot write either."""
    folder = tmp_path / "handed-over"
    folder.mkdir()
    path = half_run(str(folder / "exercise.sqlite"))
    with read_only(folder) as wrapper:
        yield path, wrapper


def test_read_only_journal_can_be_exported_but_not_resumed(read_only_journal):
    """An evaluator may export a journal it cannot write; resuming it is refused, and the file
    and its folder stay exactly as they were."""
    path, wrapper = read_only_journal
    before = contents(path)
    copy = shutil.copy(path, os.path.join(os.path.dirname(os.path.dirname(path)), "copy.sqlite"))
    opened = Journal.open(copy, readonly=True)
    expected = "".join(f"{text}\n" for text in canonical_lines(opened.events()))
    opened.close()
    exported = tabletop("export", path, "--jsonl", wrapper=wrapper)
    assert (exported.returncode, exported.stderr, exported.stdout) == (0, "", expected)
    message = one_line_naming(tabletop("resume", path, wrapper=wrapper), path)
    assert "is read-only" in message
    assert contents(path) == before
    assert os.listdir(os.path.dirname(path)) == ["exercise.sqlite"]


@pytest.fixture
def locked(journal):
    """The journal with another connection holding an exclusive write transaction."""
    holder = sqlite3.connect(journal, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield journal
    holder.execute("ROLLBACK")
    holder.close()


def test_locked_journal_is_refused_for_resuming(locked):
    """While another tabletop writes the journal, resuming it is refused as locked, in process
    and through the CLI, and nothing is written."""
    before = contents(locked), rows(locked)
    exercise = resume(locked)
    with pytest.raises(JournalError, match="in use by another tabletop"):
        play_out(exercise)
    exercise.journal.close()
    message = one_line_naming(tabletop("resume", locked), locked)
    assert "in use by another tabletop (locked)" in message
    assert (contents(locked), rows(locked)) == before


def test_a_second_writer_is_refused_while_the_first_holds_the_journal(tmp_path):
    """Two consoles on one exercise would interleave their commands: the second is refused,
    a reader is not, and once the first closes the journal it can be reopened."""
    path = str(tmp_path / "exercise.sqlite")
    first = Journal.create(path, "tabletop: 1", 1)
    with pytest.raises(JournalError, match="in use by another tabletop .* 'tabletop review'"):
        Journal.open(path)
    message = one_line_naming(tabletop("resume", path), path)
    assert "in use by another tabletop" in message
    Journal.open(path, readonly=True).close()
    first.close()
    Journal.open(path).close()


def test_locked_journal_can_still_be_exported(locked):
    """A WAL journal lets an evaluator export while the console writes, so a lock is no
    reason to refuse a read."""
    exported = tabletop("export", locked, "--jsonl")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines()[0].startswith('{"kind":"exercise_started"')


def test_changed_scenario_text_is_refused_on_resume(journal):
    """Reopening with a scenario whose text changed since the run is refused, with the fix."""
    changed = world(replace={"respond: 2m": "respond: 3m"})
    with pytest.raises(JournalError, match="different version of this scenario"):
        resume(journal, scenario_text=changed)
    reopened = resume(journal, scenario_text=world())
    assert reopened.clock == 30.0
    reopened.journal.close()


def test_run_refuses_to_overwrite_an_existing_journal(journal, tmp_path):
    """`run --journal` on an existing file refuses it and leaves it as it was."""
    scenario = tmp_path / "story.yaml"
    scenario.write_text(world())
    before = contents(journal)
    message = one_line_naming(tabletop("run", scenario, "--journal", journal), journal)
    assert "already exists" in message
    assert contents(journal) == before
    with pytest.raises(JournalError, match="already exists"):
        Journal.create(journal, world(), 1)


def test_a_command_is_on_disk_before_submit_returns(tmp_path):
    """Right after `submit`, another connection sees the command — refused ones too."""
    path = str(tmp_path / "exercise.sqlite")
    exercise = start(world(), "story.yaml", 1, path)
    exercise.advance_to(21.0)
    reader = sqlite3.connect(path)
    committed = "SELECT kind, t, refused FROM commands ORDER BY n"
    exercise.submit(cmd.AssumeLead(agency="bp", incident="c1"))
    assert reader.execute(committed).fetchall() == [("assume_lead", 21.0, None)]
    exercise.submit(cmd.AssumeLead(agency="cpb", incident="c1"))
    [_, (kind, t, refused)] = reader.execute(committed).fetchall()
    assert (kind, t) == ("assume_lead", 21.0) and "cpb" in refused
    reader.close()
    exercise.journal.close()


def test_between_steps_what_waits_is_written_once_due_even_with_the_clock_still(
        tmp_path, monkeypatch):
    """Events are written in batches; a console calls `flush_when_due` between its steps, so
    a follower of the journal sees them (and the clock reached) within WRITE_EVERY_S, even
    when nothing more happens. Wall time is the test's to move."""
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])  # (the compiled engine's too)
    path = str(tmp_path / "exercise.sqlite")
    exercise = start(world(), "story.yaml", 1, path)
    exercise.flush()
    reader = sqlite3.connect(path)
    written = "SELECT count(*) FROM events"
    clock = "SELECT value FROM meta WHERE key = 'clock'"
    before = reader.execute(written).fetchone()
    exercise.advance_to(6.0)  # c1 appears at 5m and tf detects it
    exercise.flush_when_due()
    assert reader.execute(written).fetchone() == before  # not due: the last write was now
    now[0] += engine.WRITE_EVERY_S
    exercise.flush_when_due()
    assert reader.execute(written).fetchone()[0] == exercise.state.seq > before[0]
    assert reader.execute(clock).fetchone() == ("6.0",)
    exercise.advance_to(7.0)  # nothing happens, but the clock moves on
    assert reader.execute(clock).fetchone() == ("6.0",)
    now[0] += engine.WRITE_EVERY_S
    exercise.flush_when_due()
    assert reader.execute(clock).fetchone() == ("7.0",)
    reader.close()
    exercise.journal.close()


@pytest.mark.parametrize("count", [1, ROWS_PER_INSERT, 2 * ROWS_PER_INSERT + 7])
def test_events_read_back_exactly_as_written_in_any_batch_size(tmp_path, count):
    """Events written in full multi-row statements and a remainder come back in order."""
    journal = Journal.create(str(tmp_path / "exercise.sqlite"), world(), 1)
    written = [ev.HandoffRequested(seq=n, t=n / 3, incident=f"c{n}", from_="bp", to="cpb")
               for n in range(1, count + 1)]
    journal.append_events(written, written[-1].t)
    assert journal.events() == written
    assert journal.clock == written[-1].t
    journal.close()


def sample_event(kind: str, text: str) -> ev.Event:
    """An event of `kind` with every field set: ids as ids, the rest to `text` (or a tuple
    of ids, or minutes)."""
    values = {}
    for field in dataclasses.fields(ev.EVENT_TYPES[kind]):
        if field.name not in ("seq", "t"):
            values[field.name] = {"Id": "Sector-7.b_2", "float": 12.5,
                                  "tuple[str, ...]": ("bp", "cpb")}.get(str(field.type), text)
    return ev.EVENT_TYPES[kind](seq=3, t=1.5, **values)


@pytest.mark.parametrize("kind", sorted(ev.EVENT_TYPES))
def test_every_kind_encodes_as_canonical_json_and_decodes_back(kind):
    """Whether formatted (ids only) or encoded by orjson, a payload is sorted, compact JSON
    of its fields, and free text with quotes, backslashes and new lines survives."""
    event = sample_event(kind, 'He said "stop" \\ then\nleft — ¿qué?')
    text = ev.encode(event)
    assert text == json.dumps(ev.fields_of(event), sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False)
    assert ev.decode(3, 1.5, kind, text) == event


def test_a_full_disk_is_named_and_what_was_journaled_stays(tmp_path):
    """SQLite's page limit stands in for a full disk: the write that does not fit is refused
    with what to do, the journal keeps all it held, and it resumes once there is room."""
    path = str(tmp_path / "exercise.sqlite")
    exercise = start(world(), "story.yaml", 1, path)
    exercise.advance_to(21.0)
    exercise.submit(cmd.AssumeLead(agency="bp", incident="c1"))
    held = exercise.journal.events()
    pages = exercise.journal._db.execute("PRAGMA page_count").fetchone()[0]
    exercise.journal._db.execute(f"PRAGMA max_page_count = {pages}")
    more = [ev.Note(seq=len(held) + n, t=21.0, text="x" * 200, author="evaluator")
            for n in range(1, 2001)]  # more than the pages left hold
    with pytest.raises(JournalError, match="is full — free some space: what is in the journal "
                                           "is safe, and 'tabletop resume'"):
        exercise.journal.append_events(more, 21.0)
    exercise.journal.close()
    resumed = resume(path)  # a new connection: no page limit, as when space is freed
    assert resumed.journal.events()[:len(held)] == held
    assert [c.command for c in resumed.journal.commands()] == [
        cmd.AssumeLead(agency="bp", incident="c1")]
    resumed.journal.close()


def test_a_command_from_a_seat_is_journaled_with_its_seat(tmp_path):
    """The console journals a seat's command as the cell's, and says which seat it came
    from; its own commands come from no seat."""
    path = str(tmp_path / "exercise.sqlite")
    exercise = start(world(), "story.yaml", 1, path)
    exercise.submit(cmd.Note(text="Who leads?", author="bp (player cell)"), seat="bp")
    exercise.submit(cmd.Pause(text="hotwash"))
    exercise.journal.close()
    journal = Journal.open(path, readonly=True)
    assert [(r.command.kind, r.seat) for r in journal.commands()] == [
        ("note", "bp"), ("pause", None)]
    journal.close()


def test_a_journal_from_before_seats_were_kept_reads_and_gains_the_column(tmp_path):
    """A journal written before commands had a `seat` still reads (from no seat); opened to
    be written again, it gains the column, and what comes from a seat says so."""
    path = str(tmp_path / "exercise.sqlite")
    exercise = start(world(), "story.yaml", 1, path)
    exercise.submit(cmd.Pause(text="hotwash"))
    exercise.journal.close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("ALTER TABLE commands DROP COLUMN seat")  # as an earlier tabletop wrote it
        db.commit()
    older = Journal.open(path, readonly=True)
    assert [(r.command.kind, r.seat) for r in older.commands()] == [("pause", None)]
    older.close()
    resumed = resume(path)
    resumed.submit(cmd.Resume(), seat="bp")
    resumed.journal.close()
    again = Journal.open(path, readonly=True)
    assert [(r.command.kind, r.seat) for r in again.commands()] == [
        ("pause", None), ("resume", "bp")]
    again.close()
