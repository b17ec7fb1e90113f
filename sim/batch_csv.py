"""A batch's results file: one CSV row per run, written at the end of the batch or when it is
interrupted, and read back to finish it (`tabletop batch … -o FILE --resume`).

A row names its run — variant, seed, the scenario's hash, the tabletop version, the fixed
choices (`decide`) and the values put in every run (`set`) — so a file is resumed only by
the batch that wrote it, or by a larger one of the same scenario (more seeds, more
variants): a run of another scenario text, another version, other choices or other values
would not be comparable, and is refused. Values come
back as written: whole numbers as int, others as float (`repr` round-trips), an empty cell
as None, so a resumed batch's summary and file are those of an uninterrupted one.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

from sim.batch_rows import IDENTITY, Row
from sim.errors import TabletopError
from sim.outputs import writing


class ResultsFileError(TabletopError):
    """A results file that cannot be resumed."""


def write_csv(rows: Sequence[Row], path: str) -> None:
    """One line per run, the columns in row order; an empty cell where nothing was measured."""
    with writing(path), open(path, "w", newline="", encoding="utf-8") as out:
        # a variant may add objectives: every column any row has, in order of appearance
        columns = list(dict.fromkeys(column for row in rows for column in row))
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: str) -> list[Row]:
    """The rows of a results file, with their values as the batch measured them."""
    try:
        with open(path, newline="", encoding="utf-8") as lines:
            table = list(csv.DictReader(lines))
    except FileNotFoundError:
        raise ResultsFileError(f"nothing to resume: {path} does not exist — run the batch "
                               "without --resume to start it") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ResultsFileError(f"cannot read {path} ({error})") from None
    lacking = [column for column in IDENTITY if not table or column not in table[0]]
    if table and lacking and {"variant", "seed"} <= table[0].keys():
        raise ResultsFileError(f"{path} has no {', '.join(lacking)} column: it was written by "
                               "an earlier tabletop — start a new results file")
    if lacking:
        raise ResultsFileError(f"{path} is not a results file of 'tabletop batch' (its columns "
                               f"should begin {', '.join(IDENTITY)})")
    try:
        return [{column: _value(column, text) for column, text in row.items()} for row in table]
    except ValueError as error:
        raise ResultsFileError(f"{path}: {error} — the file was changed by hand") from None


def _value(column: str, text: str | None) -> int | float | str | None:
    if column == "seed":
        return int(text or "")
    if column in IDENTITY:
        return text or ""
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def check_resumable(rows: Sequence[Row], path: str, identity: Row, variants: Sequence[str],
                    runs: int) -> None:
    """Refuse to resume from rows this batch did not ask for, or that ran on other terms
    (`identity`: the scenario hash, version and choices of this batch)."""
    asked = {(variant, seed) for variant in variants for seed in range(1, runs + 1)}
    seen: set[tuple] = set()
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        for column, value in identity.items():
            if row[column] != value:
                raise ResultsFileError(
                    f"{path}:{n}: this run has {column} {row[column]!r}, this batch "
                    f"{value!r} — {_RESUME_ONLY[column]}")
        run = (row["variant"], row["seed"])
        if run not in asked:
            raise ResultsFileError(f"{path}:{n}: variant {run[0]} seed {run[1]} is not a run "
                                   f"of this batch — ask for at least its variant and {run[1]} "
                                   "runs, or write to another file")
        if run in seen:
            raise ResultsFileError(f"{path}:{n}: variant {run[0]} seed {run[1]} is there twice "
                                   "— the file was changed by hand")
        seen.add(run)


_RESUME_ONLY = {
    "scenario_hash": "the scenario changed since; start a new results file",
    "tabletop_version": "it was written by another version of tabletop; start a new results "
                        "file",
    "decide": "resume with the same --decide choices, or start a new results file",
    "set": "resume with the same --set values, or start a new results file",
}
