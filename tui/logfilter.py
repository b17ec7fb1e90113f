"""Which events the log shows: all, one group of kinds, one incident or one agency.

A filter is a value (frozen, comparable) that selects events from the record fast enough to
run over a hundred thousand of them on a key press; `choices` lists the filters worth offering for a
scenario and the kinds seen so far, for the filter picker and the command palette, and
`contacts` those for a stream's contacts, for the picker alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields

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

    def select(self, record: Sequence[ev.Event], start: int, stop: int) -> list[int]:
        """The indices in `record[start:stop]` of the events this filter shows (one
        comprehension per kind of filter: it runs over the whole record on a key press)."""
        span = range(start, stop)
        if self.by == "all":
            return list(span)
        if self.by == "kinds":
            kinds = frozenset(self.value)
            return [i for i in span if record[i].kind in kinds]
        if self.by == "incident":
            about = _WITH_INCIDENT
            return [i for i in span
                    if (e := record[i]).kind in about and e.incident == self.value]
        return [i for i in span if _involves(record[i], self.value)]


def _involves(event: ev.Event, agency: str) -> bool:
    """Whether an agency is named in any of the event's agency fields."""
    for attr in _AGENCY_ATTRS[event.kind]:
        have = getattr(event, attr)
        if have == agency or (isinstance(have, tuple) and agency in have):
            return True
    return False


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
