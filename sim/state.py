"""The world now: a fold over events, with no SimPy inside.

`State.apply` folds one event; the console renders a `State`, reviewers rebuild one at
any time T from the journal alone (`State.at`). Nothing else holds exercise facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sim import events as ev


@dataclass
class IncidentNow:
    id: str
    zone: str
    lead: str | None = None
    detected_by: str | None = None
    gap: str | None = None  # the zone of an open lead gap
    present: bool = True


def instance_key(decision: str, incident: str | None) -> str:
    """A decision opens once, or once per incident (`D-2@crossings-17`) when an event about
    that incident opened it."""
    return decision if incident is None else f"{decision}@{incident}"


@dataclass
class OpenDecision:
    decision: str
    cell: str
    opened: float
    deadline: float
    incident: str | None


@dataclass
class State:
    seq: int = 0
    t: float = 0.0
    title: str = ""
    started: bool = False
    ended: bool = False
    ended_reason: str = ""
    paused: bool = False
    incidents: dict[str, IncidentNow] = field(default_factory=dict)
    open_decisions: dict[str, OpenDecision] = field(default_factory=dict)
    decided: dict[str, ev.DecisionMade] = field(default_factory=dict)
    delivered: dict[str, ev.InjectDelivered] = field(default_factory=dict)
    held: dict[str, ev.InjectHeld] = field(default_factory=dict)  # by the controller
    grants: set[tuple[str, str, str, str]] = field(default_factory=set)
    coordination_pending: dict[tuple[str, ...], ev.CoordinationRequested] = field(
        default_factory=dict)
    approvals_pending: dict[tuple[str, ...], ev.ApprovalRequested] = field(default_factory=dict)
    channels_down: set[tuple[str, ...]] = field(default_factory=set)
    traffic: Counter[str] = field(default_factory=Counter)
    withdrawn: set[str] = field(default_factory=set)
    violations: list[ev.Violation] = field(default_factory=list)
    notes: list[ev.Note] = field(default_factory=list)
    ratings: dict[str, ev.ObjectiveRated] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # events folded, by kind

    @classmethod
    def of(cls, events: Iterable[ev.Event], until: float | None = None) -> State:
        """The state after the given events (up to time `until`, when given)."""
        state = cls()
        for event in events:
            if until is not None and event.t > until:
                break
            state.apply(event)
        return state

    def apply(self, event: ev.Event) -> None:
        """Fold one event; a gap in the numbering means a lost event, so it is refused."""
        if event.seq != self.seq + 1:
            raise ValueError(f"event {event.seq} folded after {self.seq}: events are missing")
        self.seq, self.t = event.seq, event.t
        kind = event.kind
        self.counts[kind] = self.counts.get(kind, 0) + 1
        handler = _HANDLERS.get(kind)
        if handler:
            handler(self, event)

    def copy(self) -> State:
        """An independent copy: folding more events into either leaves the other as it was
        (a reviewer keeps some as checkpoints, to go back in time without refolding from the
        start). Events and open decisions are never changed once made, so they are shared."""
        return replace(
            self, incidents={k: replace(v) for k, v in self.incidents.items()},
            open_decisions=dict(self.open_decisions), decided=dict(self.decided),
            delivered=dict(self.delivered), held=dict(self.held), grants=set(self.grants),
            coordination_pending=dict(self.coordination_pending),
            approvals_pending=dict(self.approvals_pending),
            channels_down=set(self.channels_down), traffic=Counter(self.traffic),
            withdrawn=set(self.withdrawn), violations=list(self.violations),
            notes=list(self.notes), ratings=dict(self.ratings), counts=dict(self.counts))

    def leading(self, agency: str) -> list[str]:
        """The incidents an agency leads now."""
        return [i.id for i in self.incidents.values() if i.present and i.lead == agency]

    def instance_of(self, decision: str, incident: str | None = None) -> str:
        """The key of an open (or taken) decision: the one named, or the only instance open."""
        if incident is not None or decision in self.open_decisions or decision in self.decided:
            return instance_key(decision, incident)
        open_now = [k for k, d in self.open_decisions.items() if d.decision == decision]
        return open_now[0] if len(open_now) == 1 else decision

    def present(self, incident: str | None) -> bool:
        return incident in self.incidents and self.incidents[incident].present

    # one small method per event kind that changes the world

    def _started(self, e: ev.ExerciseStarted) -> None:
        self.started, self.title = True, e.title

    def _ended(self, e: ev.ExerciseEnded) -> None:
        self.ended, self.ended_reason = True, e.reason
        self.open_decisions.clear()

    def _paused(self, e: ev.Event) -> None:
        self.paused = e.kind == "exercise_paused"

    def _entered(self, e: ev.ZoneEntered) -> None:
        now = self.incidents.get(e.incident)
        if now is None:
            self.incidents[e.incident] = IncidentNow(e.incident, e.zone)
        else:
            now.zone = e.zone

    def _detected(self, e: ev.Detected) -> None:
        self.incidents[e.incident].detected_by = e.by

    def _left(self, e: ev.IncidentLeft) -> None:
        self.incidents[e.incident].present = False

    def _lead(self, e: ev.LeadAssigned) -> None:
        self.incidents[e.incident].lead = e.agency

    def _gap(self, e: ev.LeadGap) -> None:
        self.incidents[e.incident].gap = e.zone

    def _gap_closed(self, e: ev.LeadGapClosed) -> None:
        self.incidents[e.incident].gap = None

    def _coordination_requested(self, e: ev.CoordinationRequested) -> None:
        self.coordination_pending[(e.incident, e.agency, e.with_, e.domain)] = e

    def _coordination_granted(self, e: ev.CoordinationGranted) -> None:
        self.grants.add((e.incident, e.with_, e.domain, e.zone))
        self.coordination_pending.pop((e.incident, e.agency, e.with_, e.domain), None)

    def _approval_requested(self, e: ev.ApprovalRequested) -> None:
        self.approvals_pending[(e.incident, e.agency, e.authority, e.action)] = e

    def _approval_granted(self, e: ev.ApprovalGranted) -> None:
        self.approvals_pending.pop((e.incident, e.agency, e.authority, e.action), None)

    def _violation(self, e: ev.Violation) -> None:
        self.violations.append(e)

    def _delivered(self, e: ev.InjectDelivered) -> None:
        self.delivered[e.inject] = e

    def _held(self, e: ev.InjectHeld) -> None:
        self.held[e.inject] = e

    def _released(self, e: ev.InjectReleased) -> None:
        del self.held[e.inject]

    def _opened(self, e: ev.DecisionOpened) -> None:
        self.open_decisions[instance_key(e.decision, e.incident)] = OpenDecision(
            e.decision, e.cell, e.t, e.deadline, e.incident)

    def _made(self, e: ev.DecisionMade) -> None:
        key = instance_key(e.decision, e.incident)
        self.open_decisions.pop(key, None)
        self.decided[key] = e

    def _note(self, e: ev.Note) -> None:
        self.notes.append(e)

    def _rated(self, e: ev.ObjectiveRated) -> None:
        self.ratings[e.objective] = e

    def _channel(self, e: ev.ChannelWentDown | ev.ChannelCameUp) -> None:
        if e.kind == "channel_down":
            self.channels_down.add(e.between)
        else:
            self.channels_down.discard(e.between)

    def _traffic(self, e: ev.TrafficStarted | ev.TrafficEnded) -> None:
        self.traffic[e.zone] += 1 if e.kind == "traffic_started" else -1
        if self.traffic[e.zone] <= 0:
            del self.traffic[e.zone]

    def _agency(self, e: ev.AgencyWithdrawn | ev.AgencyReturned) -> None:
        if e.kind == "agency_withdrawn":
            self.withdrawn.add(e.agency)
        else:
            self.withdrawn.discard(e.agency)


_HANDLERS: dict[str, Callable[[State, Any], None]] = {
    "exercise_started": State._started, "exercise_ended": State._ended,
    "exercise_paused": State._paused, "exercise_resumed": State._paused,
    "zone_entered": State._entered, "detected": State._detected, "incident_left": State._left,
    "lead_assigned": State._lead, "lead_gap": State._gap, "lead_gap_closed": State._gap_closed,
    "coordination_requested": State._coordination_requested,
    "coordination_granted": State._coordination_granted,
    "approval_requested": State._approval_requested,
    "approval_granted": State._approval_granted,
    "violation": State._violation, "inject_delivered": State._delivered,
    "inject_held": State._held,
    "inject_released": State._released,
    "decision_opened": State._opened, "decision_made": State._made,
    "note": State._note, "objective_rated": State._rated,
    "channel_down": State._channel, "channel_up": State._channel,
    "traffic_started": State._traffic, "traffic_ended": State._traffic,
    "agency_withdrawn": State._agency, "agency_returned": State._agency,
}
