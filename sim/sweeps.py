"""Values given on the command line: a sweep gives one field of a scenario several values, a
variant made of each — `tabletop batch … --sweep "channels.bilateral liaison.latency=[40m,
10m, 5m]"` — and a set gives it one, for a run or a live exercise (`tabletop run/play …
--set "channels.bilateral liaison.latency=5m"`).

The path is an id path, as in a variant's `set`; the values are YAML after the `=`, a flow
list whose brackets may be left out (`40m, 5m`; `{median: 5m, p90: 10m}, null`; a value
that is itself a list needs them: `[[a, b], [a]]`). Each value becomes a
`Setting` that remembers its column: the options are read as the lines of one text called
`--sweep` (or `--set`), so a value that does not fit the scenario is reported as
`--sweep:2:41` (the second --sweep, column 41). Several sweeps run every combination of
their values, in the order written; the first value of each comes first, so it is the
reference the others are compared with.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import Diagnostic, ScenarioError
from sim.variants import Marks, Setting
from sim.yamlsource import excerpt, flow, parse

SWEEP, SET = "--sweep", "--set"  # what error lines call the text each kind of option makes


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
    return [Sweep(option, *_given(option, line, text, SWEEP))
            for line, option in enumerate(options, start=1)]


def parse_sets(options: Sequence[str]) -> list[Setting]:
    """Each `PATH=VALUE` option (`tabletop run/play --set`) as one setting; the value is
    YAML, a list only in brackets. A path set twice is refused at its second option."""
    text = "\n".join(options)
    settings: list[Setting] = []
    for line, option in enumerate(options, start=1):
        path, (setting,) = _given(option, line, text, SET)
        if any(before.path == path for before in settings):
            raise _problem(SET, line, 1, text, f"'{path}' is set twice — set it once")
        settings.append(setting)
    return settings


def combinations(sweeps: Sequence[Sweep]) -> list[tuple[Setting, ...]]:
    """Every combination of the sweeps' values, the first value of each first."""
    return list(itertools.product(*(sweep.settings for sweep in sweeps)))


def with_excerpts(error: ScenarioError, name: str, options: Sequence[str]) -> ScenarioError:
    """The error with the option shown under each of its problems in a `name` option."""
    text = "\n".join(options)
    return ScenarioError([
        Diagnostic(d.file, d.line, d.column, d.path, d.message, excerpt(text, d.line, 0))
        if d.file == name and not d.excerpt else d for d in error.diagnostics])


def _given(option: str, line: int, text: str, name: str) -> tuple[str, tuple[Setting, ...]]:
    """The path of a `PATH=VALUES` option and a setting for each value, each remembering
    its place (`name`, the option's `line`, its column)."""
    path, equals, values = option.partition("=")
    path = path.strip()
    many = name == SWEEP
    if not equals or not path:
        form, example = (("PATH=VALUES", "channels.bilateral liaison.latency=[40m, 10m, 5m]")
                         if many else ("PATH=VALUE", "channels.bilateral liaison.latency=5m"))
        raise _problem(name, line, 1, text, f"'{option}' is not {form} — write, for example, "
                       f'{name} "{example}"')
    start = len(option) - len(values)  # the values' offset in the option
    if not values.strip() or values.strip().startswith("#"):
        raise _problem(name, line, start + 1, text, (
            f"no values after '{path}=' — write them as a list, such as [40m, 10m, 5m]" if many
            else f"no value after '{path}=' — write one, such as 5m or null"))
    if many and not values.lstrip().startswith("["):  # `40m, 5m` is the list [40m, 5m]
        values, start = f"[{values}]", start - 1
    try:
        parsed = parse(values, name)
    except ScenarioError as error:
        first = error.diagnostics[0]
        raise _problem(name, line, _column(first.line, first.column, start), text,
                       first.message) from None
    items = parsed.data if many else [parsed.data]
    if not isinstance(items, list) or not items:
        raise _problem(name, line, start + 1, text, "the list of values is empty — give one "
                       "or more")
    settings: list[Setting] = []
    for n, value in enumerate(items):
        within = (n,) if many else ()
        marks: Marks = {at[len(within):]: ((line, 1, name), _placed(mark, line, start, name))
                        for at, (_, mark) in parsed.marks.items()
                        if at[:len(within)] == within}
        if any(flow(value) == flow(before.value) for before in settings):
            _, column, _ = marks[()][1]
            raise _problem(name, line, column, text, f"the value {flow(value)} is given twice "
                           "— give each value once")
        settings.append(Setting(path, value, marks))
    return path, tuple(settings)


def _placed(mark: Any, line: int, start: int, name: str) -> tuple[int, int, str]:
    """A place within the values, as a place within the options' text."""
    return line, _column(mark[0], mark[1], start), name


def _column(line: int, column: int, start: int) -> int:
    return column + start if line == 1 else column


def _problem(name: str, line: int, column: int, text: str, message: str) -> ScenarioError:
    return ScenarioError([Diagnostic(name, line, column, "", message, excerpt(text, line, 0))])
