"""Reading a planner's edited MSEL: each row as the inject fields it describes.

A row gives only the fields whose columns the sheet has (a missing column leaves a field as
it is). Its timing comes from three cells: a Trigger (`when {event: ...} + 5m`) makes a
triggered inject, whose Scenario time is then only the one a default run gave; otherwise
the Scenario time (`T+35m`, `1h05m`, a spreadsheet time) fires it at a time, or the Wall
clock does when the Scenario time is cleared; `held` or nothing leaves it to the
controller. Every cell that cannot be read is reported at its row and column, all at
once, with the way to write it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sim.errors import ScenarioError
from sim.msel import (
    IN_DEFAULT_RUN,
    NOT_IN_DEFAULT_RUN,
    CellProblem,
    MselError,
    effects_text,
    parse_time,
    scenario_time,
    trigger_text,
)
from sim.msel_io import Sheet, SheetRow
from sim.scenario import Inject, Scenario
from sim.timeline import start_of
from sim.values import Filter
from sim.yamlsource import parse

_FILTER = TypeAdapter(Filter)
_TRIGGER = re.compile(r"^\s*(?:when\s+)?(\{.*\})\s*(?:\+\s*(\S.*?))?\s*$", re.DOTALL | re.I)


def read_injects(sheet: Sheet, scenario: Scenario) -> dict[str, tuple[SheetRow, dict[str, Any]]]:
    """Each row's inject fields (only those whose columns the sheet has), by inject id;
    an `MselError` listing every cell that cannot be read."""
    existing = {i.id: i for i in scenario.injects}
    problems: list[CellProblem] = []
    wanted: dict[str, tuple[SheetRow, dict[str, Any]]] = {}

    def problem(row: SheetRow, key: str, message: str) -> None:
        column = row.cells[key].column if key in row.cells else sheet.columns["id"]
        problems.append(CellProblem(sheet.file, row.row, column, message))

    for row in sheet.rows:
        number = row.text("id")
        if number is None:
            problem(row, "id", "the inject has no number — give it one that is not used yet, "
                    f"such as {_next_id(existing, wanted)}")
            continue
        if number in wanted:
            problem(row, "id", f"inject {number} is also on row {wanted[number][0].row} — "
                    "give one of them another number")
            continue
        inject = existing.get(number)
        fields = _fields(row, inject, scenario, problem)
        if "effects" in row.cells and (row.text("effects") or "") != (
                effects_text(inject) if inject else ""):
            problem(row, "effects", "effects cannot be changed in the MSEL — restore the cell "
                    "(or clear it for a new inject) and change effects in the scenario file")
        wanted[number] = (row, fields)
    if problems:
        raise MselError(problems)
    return wanted


def _fields(row: SheetRow, inject: Inject | None, scenario: Scenario, problem) -> dict[str, Any]:
    """The row's inject fields, for the columns the sheet has."""
    fields: dict[str, Any] = {}
    if {"time", "wall", "trigger"} & row.cells.keys():
        timing = _timing(row, inject, scenario, problem)
        if timing is not None:
            fields["at"], fields["when"], fields["delay"] = timing
    for key in ("from", "method", "expected", "notes", "text"):
        if key in row.cells:
            fields[key] = row.text(key)
    if "type" in row.cells:
        fields["type"] = (row.text("type") or "").lower() or None
    for key in ("to", "objectives"):
        if key in row.cells:
            fields[key] = tuple(p.strip() for p in re.split(r"[,;\n]", row.text(key) or "")
                                if p.strip())
    return fields


def _timing(row: SheetRow, inject: Inject | None, scenario: Scenario,
            problem) -> tuple[float | None, dict | None, float] | None:
    """(at, when, delay) from the Scenario time, Wall clock and Trigger cells."""
    trigger = row.text("trigger") if "trigger" in row.cells else (
        trigger_text(inject) if inject else None)
    time_cell = row.cells["time"].value if "time" in row.cells else (
        scenario_time(inject.at) if inject and inject.at is not None else None)
    time_text = row.text("time") if "time" in row.cells else time_cell
    derived = time_text is not None and (time_text.endswith(IN_DEFAULT_RUN)
                                         or time_text == NOT_IN_DEFAULT_RUN)
    if trigger:
        match = _TRIGGER.match(trigger)
        try:
            if match is None:
                raise ValueError("it does not read as a trigger")
            when = _FILTER.validate_python(parse(match.group(1), "trigger").data)
            delay = parse_time(match.group(2)) if match.group(2) else 0.0
        except (ValueError, ScenarioError) as error:
            problem(row, "trigger", f"'{trigger}' is not a trigger ({_reason(error)}) — write "
                    "when {event: zone_entered, incident: c1} + 5m, or clear it to fire at a "
                    "time")
            return None
        if time_text is not None and not derived:
            problem(row, "time", f"this inject fires on its trigger, so '{time_text}' cannot be "
                    "its time — clear the Trigger cell to fire it at this time instead")
            return None
        return None, dict(when), delay
    if time_text is not None and time_text.lower().startswith("held"):
        return None, None, 0.0
    try:
        at = _time(time_cell, time_text, derived)
    except ValueError:
        problem(row, "time", f"'{time_text}' is not a scenario time — write T+35m, 1h05m or "
                "90s, or 'held' for an inject the controller fires")
        return None
    if at is not None or "wall" not in row.cells:
        return at, None, 0.0  # the scenario time wins: a wall clock left as exported is stale
    try:
        return _wall(row, scenario), None, 0.0
    except ValueError:
        problem(row, "wall", f"'{row.text('wall')}' is not a wall-clock time — write it as "
                "HH:MM, e.g. 02:35")
        return None


def _time(value: Any, text: str | None, derived: bool) -> float | None:
    """Minutes from a Scenario time cell: text, a number of minutes or a spreadsheet time."""
    if text is None:
        return None
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute + value.second / 60
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 60
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return parse_time(text.removesuffix(IN_DEFAULT_RUN) if derived else text)


def _wall(row: SheetRow, scenario: Scenario) -> float | None:
    """Minutes after the start for a wall-clock cell (HH:MM or a spreadsheet time)."""
    value = row.cells["wall"].value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = value.time()
    if not isinstance(value, dt.time):
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", str(value))
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError(value)
        value = dt.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    begin = start_of(scenario.clock.start)
    minutes = (value.hour * 60 + value.minute + value.second / 60
               - (begin.hour * 60 + begin.minute + begin.second / 60))
    return minutes % 1440


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(e["msg"] for e in error.errors())
    if isinstance(error, ScenarioError):
        return "; ".join(d.message for d in error.diagnostics)
    return str(error)


def _next_id(existing: dict[str, Inject], wanted: dict) -> str:
    """An unused inject number to suggest, after the highest M-NN."""
    numbers = [int(m.group(1)) for i in [*existing, *wanted]
               if (m := re.fullmatch(r"M-(\d+)", i))]
    return f"M-{max(numbers, default=0) + 1:02d}"
