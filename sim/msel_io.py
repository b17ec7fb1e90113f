"""MSEL spreadsheets on disk: .xlsx through openpyxl, .csv through the csv module.

Writing lays the rows out for a planner (bold frozen header, filters, wrapped text, a
drop-down for the inject type, a sheet that says how to edit). Reading finds the header
row by its column names — in any order, with the planner's own extra columns ignored —
and hands back each row's cells with the row number and column letter a spreadsheet
shows, so every later complaint can point at `FILE:ROW:COLUMN`.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from sim.msel import COLUMNS, TYPES, CellProblem, MselError, MselRow

SHEET = "MSEL"
FORMATS = (".xlsx", ".csv")
HOW_TO_EDIT = (
    "How to edit this MSEL, then merge it back with: tabletop msel import FILE --into SCENARIO",
    "",
    "No.: the inject's id. A new row needs a new one; delete a row to delete its inject.",
    "Scenario time: T+35m, 35m, 1h05m or 90s from the start; or 'held' for an inject the "
    "controller fires by hand.",
    "Wall clock: for reading. To set a time by the wall clock instead, clear the Scenario "
    "time cell and write HH:MM here.",
    "Trigger: 'when {event: ..., field: value} + 5m' fires on a matching event, 5 minutes "
    "later; its time is then the one a default run gives, for information. Clear the "
    "trigger to fire at a time instead.",
    "To and Objectives: ids separated by commas.",
    f"Type: one of {', '.join(TYPES)}.",
    "Effects are shown for the controller; change them in the scenario file.",
)


@dataclass(frozen=True)
class Cell:
    value: Any  # text, a number, a time, or None for an empty cell
    column: str  # the spreadsheet's letter


@dataclass(frozen=True)
class SheetRow:
    """One filled row of the MSEL, keyed by column (`COLUMNS[i].key`)."""

    row: int
    cells: dict[str, Cell]

    def text(self, key: str) -> str | None:
        """The cell as trimmed text (None when empty or when the column is absent)."""
        cell = self.cells.get(key)
        if cell is None or cell.value is None:
            return None
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).replace("\r\n", "\n").strip()
        return text or None


@dataclass(frozen=True)
class Sheet:
    file: str
    header_row: int
    columns: dict[str, str]  # key → letter, for the columns the sheet has
    rows: list[SheetRow]


def check_format(path: str) -> str:
    """The file's kind from its extension, or an error that says which ones work."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise MselError([CellProblem(path, 1, "A", "an MSEL is a .xlsx or .csv file — name it "
                                     "msel.xlsx or msel.csv")])
    return extension


# ---------------------------------------------------------------------------- writing


def write_msel(path: str, rows: list[MselRow]) -> None:
    """Write the MSEL as a spreadsheet (.xlsx) or comma-separated text (.csv)."""
    header = [c.header for c in COLUMNS]
    try:
        if check_format(path) == ".csv":
            with open(path, "w", newline="", encoding="utf-8-sig") as out:  # BOM: Excel reads UTF-8
                writer = csv.writer(out)
                writer.writerow(header)
                writer.writerows(row.cells() for row in rows)
            return
        _workbook(rows).save(path)
    except OSError as error:
        raise MselError([CellProblem(path, 1, "A", f"cannot write the file: "
                                     f"{error.strerror or error}")]) from None


def _workbook(rows: list[MselRow]) -> Workbook:
    """The MSEL sheet laid out for planners, and a sheet that says how to edit it."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row.cells())
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 2)}"
    kinds = DataValidation(type="list", formula1='"' + ",".join(TYPES) + '"', allow_blank=True)
    type_letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.key == "type"))
    kinds.add(f"{type_letter}2:{type_letter}1000")
    sheet.add_data_validation(kinds)
    notes = book.create_sheet("How to edit")
    for line in HOW_TO_EDIT:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    return book


# ---------------------------------------------------------------------------- reading


def read_msel(path: str) -> Sheet:
    """The filled rows of an MSEL file, each cell with its column letter."""
    grid = _csv_grid(path) if check_format(path) == ".csv" else _xlsx_grid(path)
    problems: list[CellProblem] = []
    header_row, columns = _header(path, grid, problems)
    rows = []
    for number, values in enumerate(grid[header_row:], start=header_row + 1):
        cells = {key: Cell(_value(values, letter), letter) for key, letter in columns.items()}
        if any(c.value not in (None, "") for c in cells.values()):
            rows.append(SheetRow(number, cells))
    if problems:
        raise MselError(problems)
    return Sheet(path, header_row, columns, rows)


def _value(values: tuple, letter: str) -> Any:
    index = _index(letter)
    value = values[index] if index < len(values) else None
    return None if isinstance(value, str) and not value.strip() else value


def _index(letter: str) -> int:
    number = 0
    for char in letter:
        number = number * 26 + ord(char) - 64
    return number - 1


def _header(path: str, grid: list[tuple], problems: list[CellProblem]) -> tuple[int, dict]:
    """The first of the top rows that names the No. and Inject text columns."""
    names = {_normal(n): c.key for c in COLUMNS for n in (c.header, *c.aliases)}
    names.update({_normal(c.header.split(" (")[0]): c.key for c in COLUMNS})
    for number, values in enumerate(grid[:10], start=1):
        columns: dict[str, str] = {}
        for index, value in enumerate(values):
            key = names.get(_normal(value)) if isinstance(value, str) else None
            if key is None:
                continue
            letter = get_column_letter(index + 1)
            if key in columns:
                problems.append(CellProblem(path, number, letter, f"a second '{value}' column "
                                            f"(the first is {columns[key]}) — delete one"))
            columns.setdefault(key, letter)
        if "id" in columns and "text" in columns:
            return number, columns
    problems.append(CellProblem(path, 1, "A", "no header row with 'No.' and 'Inject text' "
                                "columns in the first 10 rows — start from an exported MSEL "
                                "(tabletop msel SCENARIO -o msel.xlsx)"))
    return 1, {}


def _normal(text: Any) -> str:
    return " ".join(str(text).lower().replace("-", " ").split()) if text is not None else ""


def _xlsx_grid(path: str) -> list[tuple]:
    """The MSEL sheet's values (the sheet named MSEL, or the first one)."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as error:
        reason = getattr(error, "strerror", None) or "it is not an .xlsx workbook"
        raise MselError([CellProblem(path, 1, "A", f"cannot read the file: {reason} — save it "
                                     "from the spreadsheet as .xlsx (or .csv)")]) from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        return [tuple(_plain(v) for v in values) for values in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _plain(value: Any) -> Any:
    """Spreadsheet values as the reader expects them: times stay times, the rest as is."""
    if isinstance(value, dt.datetime) and value.date() == dt.date(1899, 12, 30):
        return value.time()
    return value


def _csv_grid(path: str) -> list[tuple]:
    """The CSV's rows, whichever of comma, semicolon or tab separates them."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as source:
            text = source.read()
    except OSError as error:
        raise MselError([CellProblem(path, 1, "A", f"cannot read the file: "
                                     f"{error.strerror or error}")]) from None
    except UnicodeDecodeError:
        raise MselError([CellProblem(path, 1, "A", "the file is not UTF-8 text — save it as "
                                     "'CSV UTF-8' from the spreadsheet")]) from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [tuple(row) for row in csv.reader(text.splitlines(keepends=True), dialect)]

