"""Merging a planner's edited MSEL back into the scenario file it came from.

Each spreadsheet row is read as the inject it describes; compared field by field with the
scenario's injects, that gives the changes — new rows, changed times, triggers or texts,
deleted rows. They are written into the YAML text with targeted edits (`sim.yamlpatch`),
so the planner's comments and layout survive, and the result must load with
`sim.loader`: otherwise the file is left untouched and every problem is reported at the
row and column of the MSEL that caused it. A column missing from the sheet leaves that
field as it is; an MSEL exported and imported without edits changes nothing.
"""

from __future__ import annotations

import codecs
import math
import os
import re
import tempfile
from dataclasses import dataclass
from typing import Any

from sim.errors import ScenarioError
from sim.loader import load_scenario_text
from sim.msel import (
    COLUMNS,
    HELD,
    CellProblem,
    MselError,
    scenario_time,
    trigger_text,
)
from sim.msel_io import Sheet, SheetRow, read_msel
from sim.msel_rows import read_injects
from sim.scenario import Inject, Scenario
from sim.values import duration_text
from sim.yamlpatch import append_item, drop_item, drop_key, set_key
from sim.yamlsource import parse, read_text

INJECT_KEYS = ("id", "at", "when", "delay", "from", "to", "method", "type", "text", "expected",
               "objectives", "notes", "effects")
_COLUMN_OF = {"at": "time", "when": "trigger", "delay": "trigger"}
_HEADERS = {c.key: c.header for c in COLUMNS}
_PROSE = ("text", "expected", "notes")  # reported by their new wording


@dataclass(frozen=True)
class Change:
    """One change the MSEL makes to the scenario, as the import reports it."""

    inject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.inject}: {self.detail}"


def import_msel(msel_path: str, scenario_path: str, *, dry_run: bool = False) -> list[Change]:
    """Merge the MSEL into the scenario file and return the changes (written unless
    `dry_run`; nothing is written when there are none or when anything is wrong)."""
    text = read_text(scenario_path)
    scenario = load_scenario_text(text, scenario_path)
    sheet = read_msel(msel_path)
    wanted = read_injects(sheet, scenario)
    merged, changes, intended = _merge(text, scenario, wanted)
    if not changes:
        return []
    _check(merged, scenario_path, sheet, wanted, intended)
    if not dry_run:
        _write(scenario_path, merged)
    return changes


def _same(a: float | None, b: float | None) -> bool:
    return a is None and b is None or (a is not None and b is not None
                                       and math.isclose(a, b, abs_tol=1e-6))


# ---------------------------------------------------------------------------- the merge


def _merge(text: str, scenario: Scenario, wanted: dict[str, tuple[SheetRow, dict[str, Any]]]
           ) -> tuple[str, list[Change], list[dict[str, Any]]]:
    """The new text, the changes, and the injects as the new file should hold them."""
    raw = {item["id"]: item for item in parse(text, "scenario").data.get("injects") or []}
    intended: list[dict[str, Any]] = []
    changes: list[Change] = []
    for inject in scenario.injects:
        item = dict(raw[inject.id])
        if inject.id not in wanted:
            text = drop_item(text, "injects", inject.id)
            changes.append(Change(inject.id, f"deleted (was {_timing_text(inject)})"))
            continue
        _, fields = wanted[inject.id]
        for key, value in _updates(inject, fields).items():
            if value is None:
                text = drop_key(text, "injects", inject.id, key)
                item.pop(key, None)
            else:
                text = set_key(text, "injects", inject.id, key, value, INJECT_KEYS)
                item[key] = value
        changes += _said(inject, fields)
        intended.append(item)
    for number, (_, fields) in wanted.items():
        if number in raw:
            continue
        values = _yaml_values(fields)
        item = {"id": number, **{k: values[k] for k in INJECT_KEYS if values.get(k) is not None}}
        text = append_item(text, "injects", item)
        when = f"{_timing_of(fields)} to {', '.join(fields.get('to') or ()) or 'nobody yet'}"
        changes.append(Change(number, f"new inject, {when}"))
        intended.append(item)
    return text, changes, intended


def _updates(inject: Inject, fields: dict[str, Any]) -> dict[str, Any]:
    """The YAML keys to set (or drop, as None) so the inject says what its row says."""
    old = _current(inject)
    new = _yaml_values(fields)
    updates = {}
    for key in INJECT_KEYS:
        if key in fields and not _equal(key, old.get(key), fields[key]):
            updates[key] = new[key]
    return updates


def _current(inject: Inject) -> dict[str, Any]:
    """The inject's fields as a row reads them, to compare the two."""
    return {"at": inject.at, "when": dict(inject.when) if inject.when else None,
            "delay": inject.delay, "from": inject.from_, "to": inject.recipients,
            "method": inject.method, "type": inject.type, "text": inject.text,
            "expected": inject.expected, "objectives": inject.objectives, "notes": inject.notes}


def _equal(key: str, old: Any, new: Any) -> bool:
    """Does the row say what the scenario says (texts compared without outer spaces)?"""
    if key in ("at", "delay"):
        return _same(old, new)
    if key == "when":
        return _plain(old) == _plain(new)
    if key in ("to", "objectives"):
        return tuple(old or ()) == tuple(new or ())
    return (old or "").strip() == (new or "").strip()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return list(value) if isinstance(value, tuple | list) else value


def _yaml_values(fields: dict[str, Any]) -> dict[str, Any]:
    """Field values as the scenario file writes them (durations as text, one agency bare)."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "at":
            out[key] = None if value is None else duration_text(value)
        elif key == "delay":
            out[key] = duration_text(value) if value else None
        elif key == "when":
            out[key] = _plain(value) if value else None
        elif key == "to":
            out[key] = (value[0] if len(value) == 1 else list(value)) if value else None
        elif key == "objectives":
            out[key] = list(value) if value else None
        else:
            out[key] = value.strip() if isinstance(value, str) and value.strip() else None
    return out


def _said(inject: Inject, fields: dict[str, Any]) -> list[Change]:
    """The changes to one inject in words: its timing, then each changed column."""
    old = _current(inject)
    said = []
    if any(k in fields and not _equal(k, old[k], fields[k]) for k in ("at", "when", "delay")):
        said.append(Change(inject.id, f"timing {_timing_text(inject)} → "
                                      f"{_timing_of({**old, **fields})}"))
    for key in ("from", "to", "method", "type", "text", "expected", "objectives", "notes"):
        if key in fields and not _equal(key, old[key], fields[key]):
            header = _HEADERS[key].lower()
            said.append(Change(inject.id, f"{header} now {_short(fields[key])}" if key in _PROSE
                               else f"{header} {_short(old[key])} → {_short(fields[key])}"))
    return said


def _timing_text(inject: Inject) -> str:
    return _timing_of(_current(inject))


def _timing_of(fields: dict[str, Any]) -> str:
    """`T+35m`, `when {...} + 5m` or held: how an inject is timed, in the MSEL's words."""
    if fields.get("when"):
        delay = fields.get("delay") or 0.0
        return trigger_text(Inject(id="x", to="x", text="x", when=fields["when"], delay=delay))
    at = fields.get("at")
    return scenario_time(at) if at is not None else HELD


def _short(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, tuple) else (value or "").strip()
    text = " ".join(text.split())
    return "—" if not text else f"'{text}'" if len(text) <= 60 else f"'{text[:59]}…'"


# ---------------------------------------------------------------------------- check and write


def _check(merged: str, scenario_path: str, sheet: Sheet,
           wanted: dict[str, tuple[SheetRow, dict[str, Any]]],
           intended: list[dict[str, Any]]) -> None:
    """Refuse a merge that does not load, at the rows that caused it; and make sure the
    file now holds exactly the injects meant."""
    try:
        result = load_scenario_text(merged, scenario_path)
    except ScenarioError as error:
        order = [item.get("id") for item in intended]
        raise MselError([_cell_of(d, scenario_path, sheet, wanted, order)
                         for d in error.diagnostics]) from None
    if list(result.injects) != [Inject.model_validate(item) for item in intended]:
        raise MselError([CellProblem(sheet.file, sheet.header_row, "A", "the merged scenario "
                                     "did not come out as the MSEL says (a tabletop bug) — "
                                     f"{scenario_path} was left untouched; please report it")])


def _cell_of(diagnostic, scenario_path: str, sheet: Sheet, wanted, order: list) -> CellProblem:
    """The MSEL cell behind a problem the loader found in the merged scenario."""
    match = re.match(r"injects\[(\d+)\]\.?(\w+)?", diagnostic.path)
    if match and int(match.group(1)) < len(order) and order[int(match.group(1))] in wanted:
        row, _ = wanted[order[int(match.group(1))]]
        field = match.group(2) or "id"
        key = _COLUMN_OF.get(field, field)
        letter = row.cells[key].column if key in row.cells else sheet.columns["id"]
        return CellProblem(sheet.file, row.row, letter, diagnostic.message)
    return CellProblem(sheet.file, sheet.header_row, "A", f"the merge would break "
                       f"{scenario_path} at {diagnostic.path}: {diagnostic.message}")


def _write(path: str, text: str) -> None:
    """Replace the file in one step, keeping its byte-order mark and permissions."""
    with open(path, "rb") as original:
        bom = original.read(3) == codecs.BOM_UTF8
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tabletop-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
