"""Policy variants: a scenario with a few fields changed, named and kept in the same file.

A variant's `set` replaces values by id path — `authorities.border-mitigation.approval`,
`channels.bilateral liaison.latency`, `agencies.bp-sector.respond` — and its `add`
appends items to sections (`orders: [...]`). The result is validated like any scenario;
positions are carried over, so an error in a changed value — or in what holds it, such as a
count whose new `at_least` passes its `at_most` — points at the variant's own line, and
everything else at the original's. (The original is valid by then: it is checked first.)
Values given on the command line are put in the same way (`override`), and keep the places
they were written in their option.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.errors import Diagnostic
from sim.references import unknown
from sim.yamlsource import Path, Place, Source, flow

Marks = dict[Path, tuple[Place | None, Place]]


@dataclass(frozen=True)
class Setting:
    """A value put at an id path from outside the file (`--sweep`, `--set`), with the places
    it was written: marks as a `Source`'s, relative to the value, each naming its text."""

    path: str
    value: Any
    marks: Marks = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        """`channels.bilateral liaison.latency=5m`, as batch rows and run headings name it."""
        return f"{self.path}={flow(self.value)}"


def run_label(variant: str | None, settings: Sequence[Setting] = ()) -> str:
    """A run's policy in one line, the variant and then the values put in: `era-a;
    channels.bilateral liaison.latency=5m` ('' for the scenario as written)."""
    return "; ".join([*([variant] if variant else []), *map(str, settings)])


def apply(source: Source, index: int) -> tuple[Source, list[Diagnostic]]:
    """The scenario data with variant number `index` applied, as a new `Source`, and the
    changes that could not be applied (each at its own line)."""
    base: dict[str, Any] = source.data
    variant = base["variants"][index]
    at: Path = ("variants", index)
    data = copy.deepcopy(base)
    marks = dict(source.marks)
    problems = []
    for key, value in (variant.get("set") or {}).items():
        origin = (*at, "set", key)
        problem = _set(data, marks, key, copy.deepcopy(value), _under(source.marks, origin))
        if problem:
            problems.append(source.diagnostic(origin, problem, key=True))
    for section, items in (variant.get("add") or {}).items():
        existing = data.setdefault(section, [])
        if not isinstance(existing, list) or not isinstance(items, list):
            problems.append(source.diagnostic((*at, "add", section), f"'{section}' is not a list "
                                              "of items — 'add' appends to sections such as "
                                              "orders, injects or channels", key=True))
            continue
        for n, item in enumerate(items):
            existing.append(copy.deepcopy(item))
            _rebase(marks, (section, len(existing) - 1),
                    _under(source.marks, (*at, "add", section, n)))
    data.pop("variants", None)
    return Source(source.name, source.text, data, marks), problems


def override(source: Source, settings: Sequence[Setting]) -> tuple[Source, list[Diagnostic]]:
    """The scenario data with each setting's value put at its path, as a new `Source`, and
    the settings that could not be put (each at the place its path was written)."""
    data = copy.deepcopy(source.data)
    marks = dict(source.marks)
    problems = []
    for setting in settings:
        problem = _set(data, marks, setting.path, copy.deepcopy(setting.value), setting.marks)
        if problem:
            written = Source(source.name, "", setting.value, setting.marks)
            problems.append(written.diagnostic((), problem, key=True))
    return Source(source.name, source.text, data, marks), problems


def _set(data: dict[str, Any], marks: Marks, dotted: str, value: Any,
         written: Marks) -> str | None:
    """Put `value` at the id path `dotted`, its places (`written`, relative to it) with it;
    or say why the path leads nowhere."""
    try:
        target = _resolve(data, dotted)
    except LookupError as error:
        return str(error)
    _put(data, target, value)
    _rebase(marks, target, written)
    for depth in range(1, len(target)):  # what holds the value: a check across its fields
        marks[target[:depth]] = written.get((), (None, (1, 1)))  # is this setting's doing
    return None


def _under(marks: Marks, origin: Path) -> Marks:
    """The marks of the value at `origin`, relative to it."""
    return {path[len(origin):]: mark for path, mark in marks.items()
            if path[: len(origin)] == origin}


def _resolve(data: dict[str, Any], dotted: str) -> Path:
    """`agencies.bp-sector.respond` → `('agencies', 3, 'respond')`; ids may contain dots. A
    mapping the data lacks is made by `_put` (`policy.D-1` in a file without `policy`); what
    follows it is one key, the id of a decision say, dots and all."""
    parts = dotted.split(".")
    path: Path = ()
    node: Any = data
    while parts:
        if isinstance(node, list):
            for size in range(len(parts), 0, -1):
                name = ".".join(parts[:size])
                found = _find(node, name)
                if found is not None:
                    path, node, parts = (*path, found), node[found], parts[size:]
                    break
            else:
                known = [str(item.get("id", item.get("name", i))) for i, item in enumerate(node)
                         if isinstance(item, dict)]
                raise LookupError(unknown("item", parts[0], known))
        elif isinstance(node, dict):
            key = parts.pop(0)
            if not parts:
                return (*path, key)
            if key not in node:
                return (*path, key, ".".join(parts))
            path, node = (*path, key), node[key]
        else:
            raise LookupError(f"'{parts[0]}' is inside a single value — shorten the path")
    return path


def _find(items: list[Any], name: str) -> int | None:
    """The index of the item with this id (or channel name, or position)."""
    for i, item in enumerate(items):
        if isinstance(item, dict) and name in (item.get("id"), item.get("name")):
            return i
    return int(name) if name.isdigit() and int(name) < len(items) else None


def _put(data: dict[str, Any], path: Path, value: Any) -> None:
    node: Any = data
    for segment in path[:-1]:
        node = node.setdefault(segment, {}) if isinstance(node, dict) else node[segment]
    node[path[-1]] = value


def _rebase(marks: Marks, target: Path, written: Marks) -> None:
    """Positions under `target` now come from the value put there, written at `written`."""
    for path in [p for p in marks if p[: len(target)] == target]:
        del marks[path]
    for path, mark in written.items():
        marks[target + path] = mark
