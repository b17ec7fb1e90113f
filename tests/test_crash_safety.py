"""Crash safety: a run killed at any moment loses nothing. Commands are on disk before they
take effect and events are re-created from them, so `tabletop resume` finishes a killed
run exactly as an uninterrupted one would have gone."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from contextlib import closing

import pytest
from cli_support import TABLETOP, as_at_a_terminal, tabletop
from conftest import run, world

from sim import commands as cmd
from sim.engine import Exercise
from sim.headless import play_out, policy_for
from sim.journal import canonical_lines
from sim.loader import load_scenario_text
from sim.session import resume, start

# Half a year of contacts along a river (about 6,500 of them, arriving as a stream), with
# handoffs by standing order and a decision per contact that the run's `--decide` answers:
# the answers are journaled as commands with the events, batch by batch, so the journal
# grows all through the run.
LONG_WATCH = """\
tabletop: 1
id: long-watch
title: Half a year along the river
clock: {start: 2026-01-01T00:00, duration: 182d}
actions: [{id: observe, remote: true}, {id: warn}]
zones:
  - {id: far-bank, kind: foreign, jurisdiction: [partner]}
  - {id: strip, kind: border-strip, jurisdiction: [sector, task-force]}
  - {id: town, kind: urban, jurisdiction: [police, sector]}
authorities: [{id: watch, allows: [observe, warn], in: [foreign, border-strip, urban]}]
agencies:
  - {id: sector, authorities: [watch], capacity: 40, respond: {median: 4m, p90: 12m}}
  - {id: task-force, authorities: [watch], capacity: 40, respond: {min: 2m, mode: 5m, max: 15m}}
  - {id: police, authorities: [watch], capacity: 40, respond: 8m}
  - {id: partner, authorities: [watch], capacity: 40, respond: {median: 15m, p90: 40m}}
channels:
  - {between: [sector, task-force], latency: 1m}
  - {between: [sector, police], latency: {median: 3m, p90: 8m}}
  - {between: [sector, partner], latency: {median: 20m, p90: 45m}}
streams:
  - id: contact
    every: {median: 40m, p90: 80m}
    detected_by: task-force
    routes:
      - weight: 3
        path:
          - {zone: far-bank, dwell: {median: 30m, p90: 60m}}
          - {zone: strip, dwell: {median: 20m, p90: 40m}}
          - {zone: town, dwell: 25m}
      - path: [{zone: strip, dwell: 45m}]
orders:
  - {id: town-hand-off, agency: lead, when: {event: zone_entered, zone: town}, do: [{handoff: {to: police}}]}
decisions:
  - id: D-lead
    when: {event: detected}
    cell: sector
    prompt: A new contact. What does the sector do?
    options:
      - {id: lead, text: Lead it., do: [assume_lead]}
      - {id: lead-and-tell, text: Lead it and tell the partner., do: [assume_lead, {notify: partner}]}
    default: lead
    deadline: 10m
"""
SEED, CHOICE = 5, {"D-lead": "lead-and-tell"}


def count(path, table: str) -> int:
    """Rows in a journal table as another reader sees them now (0 while it is being made)."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as reader:
            return reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


def uninterrupted() -> list[str]:
    """The JSONL export of the same run, seed and choices, never interrupted."""
    scenario = load_scenario_text(LONG_WATCH, "long-watch.yaml")
    exercise = Exercise(scenario, SEED)
    events = play_out(exercise, policy_for(scenario, SEED, CHOICE))
    return list(canonical_lines(events))


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_run_killed_midway_resumes_to_the_uninterrupted_result(tmp_path, stop):
    """SIGKILL (or Ctrl-C's SIGINT, which says how to finish) once the journal holds 50
    committed decisions (of some 6,500); `resume` then finishes the run, and its export
    equals that of a run never interrupted."""
    scenario, journal = tmp_path / "long-watch.yaml", tmp_path / "long-watch.sqlite"
    scenario.write_text(LONG_WATCH)
    command = [TABLETOP, "run", scenario, "--seed", SEED, "--journal", journal,
               "--decide", "D-lead=lead-and-tell", "--summary"]
    with subprocess.Popen(list(map(str, command)), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True,
                          preexec_fn=as_at_a_terminal) as running:
        try:
            give_up = time.monotonic() + 120
            while count(journal, "commands") < 50:
                assert running.poll() is None, f"the run ended too soon: {running.stderr.read()}"
                assert time.monotonic() < give_up, "the journal never filled"
                time.sleep(0.01)
        finally:
            running.send_signal(stop)
        said = running.stderr.read()
    if stop == signal.SIGKILL:
        assert running.returncode == -signal.SIGKILL
    else:
        assert running.returncode == 130 and "Traceback" not in said
        assert said.startswith("tabletop: run interrupted near T+")
        assert f"finish it with 'tabletop resume {journal}'" in said
    expected = uninterrupted()
    assert 0 < count(journal, "events") < len(expected), "killed midway, with events on disk"

    resumed = tabletop("resume", journal, "--summary")
    assert resumed.returncode == 0, resumed.stderr
    exported = tabletop("export", journal, "--jsonl")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines() == expected


def test_lost_event_batch_after_a_committed_command_is_re_created(tmp_path):
    """Events written after a command are deleted from the journal (a crash before their
    batch reached the disk); resuming re-creates them, and the run ends as it would have."""
    path = str(tmp_path / "exercise.sqlite")
    exercise = start(world(), "story.yaml", 1, path)
    exercise.advance_to(21.0)
    command = cmd.AssumeLead(agency="bp", incident="c1")
    exercise.submit(command)
    committed_before = count(path, "events")  # what the command's commit wrote
    exercise.advance_to(50.0)
    exercise.flush()
    written = exercise.journal.events()
    exercise.journal.close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DELETE FROM events WHERE seq > ?", (committed_before,))
    assert count(path, "events") == committed_before < len(written)

    resumed = resume(path)
    resumed.flush()
    assert resumed.journal.events() == written
    play_out(resumed)
    finished = resumed.journal.events()
    resumed.journal.close()
    assert finished == run(world(), seed=1, moves=[(21.0, command)])
