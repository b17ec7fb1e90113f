"""Exporting an MSEL and editing it as a planner would, in openpyxl or as CSV text."""

from __future__ import annotations

import csv
import pathlib
import shutil

from openpyxl import load_workbook
from typer.testing import CliRunner

from sim.cli import app
from sim.msel import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def tabletop_ok(*args: object) -> str:
    """Run a CLI command in-process and return its output, after checking it succeeded."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def copy(source: pathlib.Path, folder: pathlib.Path) -> pathlib.Path:
    """A copy of a scenario file that the test may change."""
    return pathlib.Path(shutil.copyfile(source, folder / source.name))


def scenario_file(folder: pathlib.Path, text: str) -> pathlib.Path:
    """A scenario written byte for byte as given (line endings included)."""
    path = folder / "story.yaml"
    path.write_bytes(text.encode("utf-8"))
    return path


def export(scenario: pathlib.Path, name: str = "msel.xlsx") -> pathlib.Path:
    """`tabletop msel SCENARIO -o NAME` next to the scenario."""
    out = scenario.parent / name
    tabletop_ok("msel", scenario, "-o", out)
    return out


def rows(msel: pathlib.Path) -> list[dict[str, object]]:
    """The MSEL's rows as {header: value}, from the workbook or the CSV."""
    if msel.suffix == ".csv":
        with open(msel, newline="", encoding="utf-8-sig") as source:
            return list(csv.DictReader(source))
    sheet = load_workbook(msel)["MSEL"]
    grid = list(sheet.iter_rows(values_only=True))
    return [dict(zip(grid[0], row, strict=True)) for row in grid[1:]]


def edit(msel: pathlib.Path, inject: str, **cells: object) -> None:
    """Change cells of an inject's row, named by header with '_' for ' ' (Inject_text=…)."""
    book = load_workbook(msel)
    sheet = book["MSEL"]
    number = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == inject)
    for header, value in cells.items():
        sheet.cell(number, HEADERS.index(header.replace("_", " ")) + 1).value = value
    book.save(msel)


def delete_row(msel: pathlib.Path, inject: str) -> None:
    book = load_workbook(msel)
    sheet = book["MSEL"]
    sheet.delete_rows(next(r for r in range(2, sheet.max_row + 1)
                           if sheet.cell(r, 1).value == inject))
    book.save(msel)


def add_row(msel: pathlib.Path, **cells: object) -> int:
    """Append a row (cells named as in `edit`); its row number."""
    book = load_workbook(msel)
    sheet = book["MSEL"]
    sheet.append([cells.get(h.replace(" ", "_")) for h in HEADERS])
    book.save(msel)
    return sheet.max_row


def write_csv(path: pathlib.Path, table: list[dict[str, object]]) -> pathlib.Path:
    """A CSV MSEL with the exported headers."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, HEADERS)
        writer.writeheader()
        writer.writerows(table)
    return path
