"""Which events the log shows: all, one group of kinds, one incident or one agency.

A filter is a value (frozen, comparable); `EventIndex` finds the events it shows among a
hundred thousand on a key press. `choices` lists the filters worth offering for a scenario
and the kinds seen so far, for the filter picker and the command palette, and `contacts`
those for a stream's contacts, for the picker alone.
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
    "injects": ("inject_delivered",),
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
            runs = [self._places.get(("kinds", kind), ()) for kind in log_filter.value]
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


def choices(scenario: Scenario, state: State) -> Iterator[LogFilter]:
    """Every filter worth offering: groups, each incident and agency, each kind seen."""
    yield ALL
    for label, kinds in GROUPS.items():
        yield LogFilter("kinds", kinds, label)  # the first is VIOLATIONS
    for incident in scenario.incidents:
        yield LogFilter("incident", incident.id, f"incident {incident.id}")
    for agency in scenario.agencies:
        yield LogFilter("agency", agency.id, f"agency {agency.id}")
    for kind in sorted(state.counts):
        yield LogFilter("kinds", (kind,), f"{kind} events")


def contacts(scenario: Scenario, state: State) -> Iterator[LogFilter]:
    """A filter for each contact a stream has started so far: a year brings thousands, too
    many for the command palette to match at each key, so only the picker (which narrows
    as you type) offers them."""
    scripted = {incident.id for incident in scenario.incidents}
    for incident in state.incidents:
        if incident not in scripted:
            yield LogFilter("incident", incident, f"incident {incident}")
