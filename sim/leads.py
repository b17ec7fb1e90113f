"""Who led each incident over time, and where its lead gaps were: spans of sim time
folded from the events, for the AAR/IP's chart (`sim.chart`) and the comparison of runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sim import events as ev


class Span(NamedTuple):
    """A stretch of time on one incident: led by `who`, or a lead gap in zone `who`. (A
    named tuple: a year's run has 10^4 of each, and a frozen dataclass took twice as long
    to make.)"""

    incident: str
    who: str
    start: float
    end: float


@dataclass(frozen=True)
class LeadHistory:
    incidents: list[str]
    present: list[Span]
    leads: list[Span]
    gaps: list[Span]
    end: float
    start_label: str


def lead_history(events: Sequence[ev.Event], end: float, start_label: str) -> LeadHistory:
    """Who led each incident over time, and where its lead gaps were, up to sim time `end`
    (`start_label` is the scenario's clock start, for wall-clock labels)."""
    present: dict[str, list[float]] = {}
    leads: list[Span] = []
    gaps: list[Span] = []
    leading: dict[str, tuple[str, float]] = {}
    open_gaps: dict[str, tuple[str, float]] = {}

    def stop_lead(incident: str, t: float) -> None:
        if incident in leading:
            agency, since = leading.pop(incident)
            leads.append(Span(incident, agency, since, t))

    for e in events:  # by kind, not isinstance: a year's runs have 10^5 events each
        kind = e.kind
        if kind == "zone_entered":
            present.setdefault(e.incident, [e.t, end])
        elif kind == "incident_left":
            present[e.incident][1] = e.t
            stop_lead(e.incident, e.t)
        elif kind == "lead_assigned":
            stop_lead(e.incident, e.t)
            leading[e.incident] = (e.agency, e.t)
        elif kind == "lead_gap":
            open_gaps[e.incident] = (e.zone, e.t)
        elif kind == "lead_gap_closed" and e.incident in open_gaps:
            zone, since = open_gaps.pop(e.incident)
            gaps.append(Span(e.incident, zone, since, e.t))
    for incident in list(leading):
        stop_lead(incident, present.get(incident, [0.0, end])[1])
    gaps += [Span(i, zone, since, end) for i, (zone, since) in open_gaps.items()]
    order = list(present)  # in the order they appeared
    return LeadHistory(order, [Span(i, "", *present[i]) for i in order], leads, gaps, end,
                       start_label)
