"""Which events the log shows: all, one group of kinds, one incident or one agency.

A filter is a value (frozen, comparable); `EventIndex` finds the events it shows among a
hundred thousand on a key press. A scenario's `FilterMenu` lists the filters worth offering
— to the filter picker and the command palette, and a stream's contacts to the picker
alone.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import chain

from sim import events as ev
from sim.scenario import Scenario
from sim.state import State

AGENCY_FIELDS = ("agency", "by", "from", "to", "with", "cell", "between")
_AGENCY_ATTRS = {kind: tuple(f.name for f in fields(cls)
                             if ev.public_name(f.name) in AGENCY_FIELDS)
                 for kind, cls in ev.EVENT_TYPES.items()}
_WITH_INCIDENT = frozenset(kind for kind, cls in ev.EVENT_TYPES.items()
                           if "incident" in {f.name for f in fields(cls)})
GROUPS = {
    "violations and lead gaps": ("violation", "lead_gap"),
    "decisions": ("decision_opened", "decision_made"),
    "injects": ("inject_delivered", "inject_held", "inject_released"),
    "notes, ratings and pauses": ("note", "objective_rated", "exercise_paused",
                                  "exercise_resumed"),
}


@dataclass(frozen=True)
class LogFilter:
    """Show events of some kinds, about one incident, or involving one agency."""

    by: str = "all"  # all | kinds | incident | agency
    value: str | tuple[str, ...] = ""
    label: str = "all events"


class EventIndex:
    """Where each kind, incident and agency occurs in a record that only grows, so that a
    filter costs as many steps as the events it shows: scanning the hundred thousand
    events of a long exercise at each key press took most of the press."""

    def __init__(self, record: Sequence[ev.Event]):
        self._record = record
        self._indexed = 0
        self._places: dict[tuple[str, str], list[int]] = defaultdict(list)

    def select(self, log_filter: LogFilter, start: int, stop: int) -> list[int]:
        """The indices in `record[start:stop]` of the events the filter shows, in order."""
        if log_filter.by == "all":
            return list(range(start, stop))
        self.catch_up(stop)
        if log_filter.by == "kinds":
            runs = [self._places.get(("kinds", kind), []) for kind in log_filter.value]
            places = runs[0] if len(runs) == 1 else sorted(chain.from_iterable(runs))
        else:
            places = self._places.get((log_filter.by, log_filter.value), [])
        return places[bisect.bisect_left(places, start):bisect.bisect_left(places, stop)]

    def catch_up(self, stop: int) -> None:
        """File the record's events up to `stop` under their kind, incident and agencies
        (the log does so as it shows them, so that no key press waits for it)."""
        places, record = self._places, self._record
        for i in range(self._indexed, stop):
            event = record[i]
            kind = event.kind
            places[("kinds", kind)].append(i)
            if kind in _WITH_INCIDENT and event.incident is not None:
                places[("incident", event.incident)].append(i)
            for attr in _AGENCY_ATTRS[kind]:
                named = getattr(event, attr)
                for agency in named if isinstance(named, tuple) else (named,):
                    if agency is not None:
                        filed = places[("agency", agency)]
                        if not filed or filed[-1] != i:  # once, however many fields name it
                            filed.append(i)
        self._indexed = max(self._indexed, stop)


ALL = LogFilter()
VIOLATIONS = LogFilter("kinds", GROUPS["violations and lead gaps"], "violations and lead gaps")


class FilterMenu:
    """The filters worth offering for one scenario: the ones it always offers — every event,
    the groups, each scripted incident and agency — made once (a crowded MSEL scripts
    thousands of incidents, and the picker and the palette ask at every opening or key),
    then the kinds seen so far."""

    def __init__(self, scenario: Scenario):
        self.standing = [ALL, *(LogFilter("kinds", kinds, label) for label, kinds in
                                GROUPS.items())]  # the first group is VIOLATIONS
        self.standing += [LogFilter("incident", i.id, f"incident {i.id}")
                          for i in scenario.incidents]
        self.standing += [LogFilter("agency", a.id, f"agency {a.id}") for a in scenario.agencies]
        self._scripted = frozenset(incident.id for incident in scenario.incidents)

    def choices(self, state: State) -> list[LogFilter]:
        """Every filter worth offering now: the standing ones, then each kind seen."""
        return self.standing + [LogFilter("kinds", (kind,), f"{kind} events")
                                for kind in sorted(state.counts)]

    def contacts(self, state: State) -> Iterator[LogFilter]:
        """A filter for each contact a stream has started so far: a year brings thousands,
        too many for the command palette to match at each key, so only the picker (which
        narrows as you type) offers them."""
        for incident in state.incidents:
            if incident not in self._scripted:
                yield LogFilter("incident", incident, f"incident {incident}")
