"""Sweeps: one field of a scenario given several values on the command line, a variant
made of each — `tabletop batch … --sweep "channels.bilateral liaison.latency=[40m, 10m, 5m]"`.

The path is an id path, as in a variant's `set`; the values are YAML after the `=`, a flow
list whose brackets may be left out (`40m, 5m`; `{median: 5m, p90: 10m}, null`; a value
that is itself a list needs them: `[[a, b], [a]]`). Each value becomes a
`Setting` that remembers its column: the sweep options are read as the lines of one text
called `--sweep`, so a value that does not fit the scenario is reported as `--sweep:2:41`
(the second --sweep, column 41). Several sweeps run every combination of their values, in
the order written; the first value of each comes first, so it is the reference the others
are compared with.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import Diagnostic, ScenarioError
from sim.variants import Marks, Setting
from sim.yamlsource import excerpt, flow, parse

OPTION = "--sweep"  # what error lines call the text the sweep options make


@dataclass(frozen=True)
class Sweep:
    """The values one `--sweep` option gives one path, in the order written."""

    option: str
    path: str
    settings: tuple[Setting, ...]


def parse_sweeps(options: Sequence[str]) -> list[Sweep]:
    """Each `PATH=VALUES` option as a sweep; a malformed one is a `ScenarioError` at its
    column."""
    text = "\n".join(options)
    return [_sweep(option, line, text) for line, option in enumerate(options, start=1)]


def combinations(sweeps: Sequence[Sweep]) -> list[tuple[Setting, ...]]:
    """Every combination of the sweeps' values, the first value of each first."""
    return list(itertools.product(*(sweep.settings for sweep in sweeps)))


def with_excerpts(error: ScenarioError, options: Sequence[str]) -> ScenarioError:
    """The error with the sweep option shown under each of its problems in a sweep."""
    text = "\n".join(options)
    return ScenarioError([
        Diagnostic(d.file, d.line, d.column, d.path, d.message, excerpt(text, d.line, 0))
        if d.file == OPTION and not d.excerpt else d for d in error.diagnostics])


def _sweep(option: str, line: int, text: str) -> Sweep:
    path, equals, values = option.partition("=")
    path = path.strip()
    if not equals or not path:
        raise _problem(line, 1, text, f"'{option}' is not PATH=VALUES — write, for example, "
                       "--sweep \"channels.bilateral liaison.latency=[40m, 10m, 5m]\"")
    start = len(option) - len(values)  # the values' offset in the option
    if not values.strip() or values.strip().startswith("#"):
        raise _problem(line, start + 1, text, f"no values after '{path}=' — write them as a "
                       "list, such as [40m, 10m, 5m]")
    if not values.lstrip().startswith("["):  # `40m, 5m` is the list [40m, 5m]
        values, start = f"[{values}]", start - 1
    try:
        items = parse(values, OPTION)
    except ScenarioError as error:
        first = error.diagnostics[0]
        raise _problem(line, _column(first.line, first.column, start), text,
                       first.message) from None
    if not isinstance(items.data, list) or not items.data:
        raise _problem(line, start + 1, text, "the list of values is empty — give one or more")
    settings: list[Setting] = []
    for n, value in enumerate(items.data):
        marks: Marks = {at[1:]: ((line, 1, OPTION), _placed(value_mark, line, start))
                        for at, (_, value_mark) in items.marks.items() if at[:1] == (n,)}
        if any(flow(value) == flow(before.value) for before in settings):
            _, column, _ = marks[()][1]
            raise _problem(line, column, text, f"the value {flow(value)} is given twice — "
                           "give each value once")
        settings.append(Setting(path, value, marks))
    return Sweep(option, path, tuple(settings))


def _placed(mark: Any, line: int, start: int) -> tuple[int, int, str]:
    """A place within the values, as a place within the sweep options' text."""
    return line, _column(mark[0], mark[1], start), OPTION


def _column(line: int, column: int, start: int) -> int:
    return column + start if line == 1 else column


def _problem(line: int, column: int, text: str, message: str) -> ScenarioError:
    return ScenarioError([Diagnostic(OPTION, line, column, "", message, excerpt(text, line, 0))])
