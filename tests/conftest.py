"""Shared fixtures: a small world to write engine stories in, and paths to the library."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap

from sim import events as ev
from sim.engine import Accepted, Exercise
from sim.loader import load_scenario_text

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED_EXAMPLE = ROOT.parent / "shared" / "examples" / "river-watch.yaml"
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))

# A border in miniature: fixed latencies, so every time in a story can be worked out by hand.
WORLD = """\
tabletop: 1
id: mini
title: Mini border
clock: {start: "02:00", duration: 2h}
actions:
  - {id: observe, remote: true}
  - {id: warn}
  - {id: disrupt, touches: [airspace]}
zones:
  - {id: far, kind: foreign, jurisdiction: [partner]}
  - {id: strip, kind: border, jurisdiction: [bp, tf]}
  - {id: town, kind: urban, jurisdiction: [sheriff, bp], coordination: {airspace: faa}}
authorities:
  - {id: watch, allows: [observe, warn], in: [foreign, border, urban]}
  - {id: mitigate, allows: [disrupt], in: [border, urban], approval: {by: hq, latency: 10m}}
  - {id: partner-mitigate, allows: [disrupt], in: [foreign]}
agencies:
  - {id: bp, authorities: [watch, mitigate], capacity: 1, respond: 2m}
  - {id: hq, respond: 1m}
  - {id: tf, authorities: [watch], capacity: 2, respond: 3m}
  - {id: faa, respond: 4m}
  - {id: sheriff, authorities: [watch], capacity: 1, respond: 5m}
  - {id: partner, authorities: [partner-mitigate], respond: 6m}
channels:
  - {between: [bp, hq, tf], latency: 1m}
  - {between: [bp, faa], latency: 2m}
  - {between: [bp, sheriff], latency: 3m}
  - {between: [bp, partner], latency: 10m}
incidents:
  - id: c1
    path: [{zone: far, at: 5m}, {zone: strip, at: 20m}, {zone: town, at: 40m}]
    leaves: 60m
    detected_by: tf
"""


# D-1 opens at 6m for bp: lead and watch c1 (the default) or act across the line.
DECISION_AT_THE_LINE = """
decisions:
  - id: D-1
    at: 6m
    cell: bp
    prompt: The contact hovers over the partner's side.
    options:
      - {id: watch, text: Lead and watch., do: [{assume_lead: c1}]}
      - {id: act-across, text: Act across the line., do: [{act: disrupt, incident: c1}]}
    default: watch
    deadline: 5m
"""


def world(*sections: str, replace: dict[str, str] | None = None) -> str:
    """The mini world's YAML with some text replaced and more sections appended."""
    text = WORLD
    for old, new in (replace or {}).items():
        assert old in text, f"{old!r} is not in the mini world"
        text = text.replace(old, new)
    return text + "".join(textwrap.dedent(section) for section in sections)


def run(text: str, seed: int = 1, moves: tuple = ()) -> list[ev.Event]:
    """Run a scenario to the end, submitting each (sim time, command) on the way."""
    exercise = Exercise(load_scenario_text(text, "story.yaml"), seed)
    produced: list[ev.Event] = []
    for t, command in moves:
        produced += exercise.advance_to(t)
        result = exercise.submit(command)
        assert isinstance(result, Accepted), result
        produced += result.events
    return produced + exercise.run()


def having(events: list[ev.Event], kind: str, **fields: object) -> list[ev.Event]:
    """The events of a kind whose fields equal the given values."""
    return [e for e in events if e.kind == kind
            and all(ev.fields_of(e).get(k.rstrip("_")) == v for k, v in fields.items())]



def pytest_addoption(parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.golden from the current engine")


def cycles_left_by(work: str, setup: str = "") -> int:
    """How many objects Python's cyclic collector finds once `work` (Python source) has run
    with the collector paused, after `setup`, in a fresh interpreter. The code under test
    pauses the collector for speed (`sim.collector`), which is sound only while it makes no
    cycles; checked in this process, threads an earlier test left behind (a Dask cluster's)
    were seen to make garbage of their own meanwhile."""
    program = "\n".join(["import gc", textwrap.dedent(setup), "gc.collect()", "gc.disable()",
                         textwrap.dedent(work), "print(gc.collect())"])
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])
