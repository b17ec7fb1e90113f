"""The MSEL as a planner's spreadsheet sees it: one row per inject, in HSEEP's columns.

`msel_rows` turns a scenario's injects into rows of text (number, scenario time,
wall-clock time, from, to, method, type, inject text, expected action, objectives,
controller notes), adding a Trigger column for injects that fire `when` an event matches
(their time is the one a default run gives) and a read-only Effects column. Injects with
neither `at` nor `when` are held: the controller fires them. The same vocabulary — column
headers, time and trigger texts — is read back by `sim.msel_rows`, so an exported MSEL
imports again without a change (`sim.msel_merge`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields

from sim import events as ev
from sim.engine import Exercise
from sim.errors import TabletopError
from sim.headless import play_out
from sim.scenario import Inject, Scenario
from sim.steps import ChannelDown, Traffic, Withdraw
from sim.timeline import start_of, tplus, wall
from sim.values import duration_text, parse_duration
from sim.yamlpatch import flow

HELD = "held: the controller fires it"
IN_DEFAULT_RUN = " in a default run"
NOT_IN_DEFAULT_RUN = "not in a default run"


@dataclass(frozen=True)
class Column:
    key: str  # the inject field (or derived cell) this column holds
    header: str
    width: int  # in characters, for the spreadsheet
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("id", "No.", 8, ("no", "number", "#", "inject no.", "inject number")),
    Column("time", "Scenario time", 20, ("time", "sim time", "t+")),
    Column("wall", "Wall clock", 10, ("wall-clock time", "wall clock time", "clock")),
    Column("trigger", "Trigger", 36, ("when",)),
    Column("from", "From", 18),
    Column("to", "To", 18),
    Column("method", "Method", 10),
    Column("type", "Type", 12),
    Column("text", "Inject text", 60, ("inject", "text", "description")),
    Column("expected", "Expected action", 40, ("expected", "expected player action")),
    Column("objectives", "Objectives", 12, ("objective",)),
    Column("notes", "Controller notes", 30, ("notes",)),
    Column("effects", "Effects (edit in the scenario file)", 30, ("effects",)),
)
TYPES = ("standard", "contingency", "adaptive", "complexity")


@dataclass(frozen=True)
class MselRow:
    """One inject as the cells of a spreadsheet row, in `COLUMNS` order."""

    id: str
    time: str
    wall: str
    trigger: str
    from_: str
    to: str
    method: str
    type: str
    text: str
    expected: str
    objectives: str
    notes: str
    effects: str

    def cells(self) -> list[str]:
        return [getattr(self, f.name) for f in fields(self)]


@dataclass(frozen=True)
class CellProblem:
    """A problem in one cell of a planner's MSEL, at the row and column a spreadsheet shows."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class MselError(TabletopError):
    """An MSEL that cannot be read or merged, with every problem found; nothing was written."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        if len(lines) > 1:
            lines.insert(0, f"{problems[0].file}: {len(lines)} problems, nothing was changed:")
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------------------- export


def default_run(scenario: Scenario, seed: int = 1) -> list[ev.Event]:
    """The events of a headless run in which every decision takes its default."""
    return play_out(Exercise(scenario, seed), None)


def msel_rows(scenario: Scenario, seed: int = 1) -> list[MselRow]:
    """The scenario's MSEL in time order; triggered injects at their time in a default run
    (every decision takes its default), held ones last."""
    fired: dict[str, float] = {}
    triggered = any(inject.when is not None for inject in scenario.injects)
    for event in default_run(scenario, seed) if triggered else ():
        if isinstance(event, ev.InjectDelivered):
            fired.setdefault(event.inject, event.t)
    begin = start_of(scenario.clock.start)
    rows = []
    for order, inject in enumerate(scenario.injects):
        at = inject.at if inject.at is not None else fired.get(inject.id)
        if inject.when is not None:
            time = tplus(at) + IN_DEFAULT_RUN if at is not None else NOT_IN_DEFAULT_RUN
        else:
            time = scenario_time(at) if at is not None else HELD
        rows.append(((math.inf if at is None else at, order), MselRow(
            id=inject.id, time=time, wall=wall(begin, at) if at is not None else "",
            trigger=trigger_text(inject), from_=inject.from_ or "", to=", ".join(inject.recipients),
            method=inject.method or "", type=inject.type or "", text=inject.text,
            expected=inject.expected or "", objectives=", ".join(inject.objectives),
            notes=inject.notes or "", effects=effects_text(inject))))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def scenario_time(minutes: float) -> str:
    """`T+35m`: an exact scenario time (unlike `timeline.tplus`, seconds are kept)."""
    return "T+" + duration_text(minutes)


def parse_time(text: str) -> float:
    """Minutes from `T+35m`, `35m`, `1h05m` or a number; a ValueError says how to write it."""
    return parse_duration(re.sub(r"^\s*T\s*\+\s*", "", text, flags=re.IGNORECASE))


def trigger_text(inject: Inject) -> str:
    """`when {event: lead_assigned, incident: watcher} + 5m`, or '' for a timed inject."""
    if inject.when is None:
        return ""
    delay = f" + {duration_text(inject.delay)}" if inject.delay else ""
    return f"when {flow(dict(inject.when))}{delay}"


def effects_text(inject: Inject) -> str:
    """What the inject changes in the world, in words (read-only in the MSEL)."""
    said = []
    for effect in inject.effects:
        if isinstance(effect, Traffic):
            said.append(f"traffic in {effect.traffic.zone} for "
                        f"{duration_text(effect.traffic.for_)}")
        elif isinstance(effect, ChannelDown):
            down = effect.channel_down
            said.append(f"channel {' – '.join(down.between)} down"
                        + (f" for {duration_text(down.for_)}" if down.for_ else ""))
        elif isinstance(effect, Withdraw):
            away = effect.withdraw
            said.append(f"{away.agency} withdraws"
                        + (f" for {duration_text(away.for_)}" if away.for_ else " for good"))
    return "; ".join(said)
