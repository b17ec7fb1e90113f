"""What agencies do: respond, lead, send messages over channels, answer handoffs, requests
and coordination, and act under the rules.

The first part of an `Exercise` above `sim.running` (it uses the exercise's `env`, `state`,
`world`, `emit` and random streams). Agencies' work is short chains of callbacks on SimPy
events, not generator processes: starting and finishing a process costs two extra SimPy
steps and about 4 µs, and a year of incursions starts hundreds of thousands of these small
activities (`bench/engine.py`). Each function does one thing and hands on to the next; they
wait only through `_on` (an event), `_after` (sim time) and `_when_present` (an agency).

What comes next is a lambda: compiled (`setup.py`), one is made and called in a fifth of the
time of a `functools.partial`. A `partial` only where its values must be taken as they are
now (in a loop), or in a rare branch of a frequent function: mypyc builds a function's
closure as the function starts, whenever one of its branches makes a lambda. Never a nested
`def`: mypyc keeps it in the frame it closes over, a reference cycle that the collector,
paused while the engine steps, would not free.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

import simpy

from sim import events as ev
from sim import rules
from sim.randomness import Samplers
from sim.running import Running, Then
from sim.steps import Act, AssumeLead, Coordinate, HandOff, Notify, Request, Share


class LeadSlots:
    """How many incidents an agency can lead at once: a free slot is taken at once; when
    all are busy, incidents queue and take slots in turn as leads end."""

    __slots__ = ("capacity", "count", "queue")

    def __init__(self, capacity: int):
        self.capacity, self.count = capacity, 0
        self.queue: deque[str] = deque()


class AgencyProcesses(Running):
    """The agencies' side of an `Exercise`."""

    _leading: dict[str, LeadSlots]  # by agency
    _lead_slot: dict[str, str]  # incident → the agency whose slot leads it
    _responding: Samplers  # by agency
    _approving: Samplers  # by authority
    _carrying: Samplers  # by channel (its `id`)
    _returned: dict[str, simpy.Event]  # by withdrawn agency
    _channel_up: dict[tuple[str, ...], simpy.Event]  # by channel down
    _traffic_clear: dict[str, simpy.Event]  # by zone with traffic
    _grants_awaited: dict[tuple[str, str], list[simpy.Event]]  # (agency, incident)

    def agency_carries_out(self, agency: str, steps: tuple, subject: str | None,
                           force: bool = False) -> None:
        """An agency responds (after its `respond` latency), then runs its steps in order."""
        self.agency_responds(agency, lambda: self._carry_on(agency, steps, subject, force))

    def _carry_on(self, agency: str, steps: tuple, subject: str | None, force: bool) -> None:
        """Run steps in order; only an act waits (for grants it is told to wait for, and
        for approval) before the steps after it."""
        for n, step in enumerate(steps):
            if agency in self.state.withdrawn:
                self._when_present(agency, partial(self._carry_on, agency, steps[n:], subject,
                                                   force))
                return
            incident = step.incident or subject
            if incident is None or not self.state.present(incident):
                continue  # the contact is gone: nothing left to do about it
            if type(step) is Act:
                act = partial(self.agency_acts, agency, step.act, incident, force,
                              partial(self._carry_on, agency, steps[n + 1:], subject, force))
                awaited = (self._grants_awaited.pop((agency, incident), [])
                           if step.after == "coordinated" else [])
                if awaited:
                    _on(self.env.all_of(awaited), act)
                else:
                    act()
                return
            self._begin(agency, step, incident)

    def _begin(self, agency: str, step: Any, incident: str) -> None:
        """Start a step that runs on its own while the agency goes on with the next (looked
        up by the step's exact type: a failing `isinstance` on a pydantic model is slow)."""
        _STARTS[type(step)](self, agency, step, incident)

    def _start_lead(self, agency: str, step: AssumeLead, incident: str) -> None:
        self.agency_leads(agency, incident)

    def _start_handoff(self, agency: str, step: HandOff, incident: str) -> None:
        self.emit(ev.HandoffRequested(incident=incident, from_=agency, to=step.handoff.to))
        self.handoff_answered(agency, step.handoff.to, incident)

    def _start_notice(self, agency: str, step: Notify, incident: str) -> None:
        self.message_in_transit(agency, step.notify, incident, "notification", lambda: self.emit(
            ev.Notified(incident=incident, from_=agency, to=step.notify)))

    def _start_share(self, agency: str, step: Share, incident: str) -> None:
        self.message_in_transit(agency, step.with_, incident, step.share,
                                lambda: self._data_arrives(agency, step, incident))

    def _data_arrives(self, agency: str, step: Share, incident: str) -> None:
        """Shared data reaches its recipient: the sharing rule is broken, if at all, now,
        when the data is disclosed (what never arrives disclosed nothing)."""
        problem = rules.sharing_problem(self.world, step.share, step.with_)
        if problem:
            self.emit(ev.Violation(rule="sharing", incident=incident, agency=agency,
                                   action=step.share, zone=self.state.incidents[incident].zone,
                                   detail=problem))
        self.emit(ev.DataShared(incident=incident, from_=agency, to=step.with_,
                                data=step.share))

    def _start_request(self, agency: str, step: Request, incident: str) -> None:
        self.emit(ev.ActionRequested(incident=incident, from_=agency, to=step.request.by,
                                     action=step.request.action))
        self.request_answered(agency, step.request, incident)

    def _start_coordination(self, agency: str, step: Coordinate, incident: str) -> None:
        granted = self.env.event()
        self._grants_awaited[(agency, incident)].append(granted)
        self.emit(ev.CoordinationRequested(
            incident=incident, agency=agency, with_=step.coordinate.with_,
            domain=step.coordinate.domain, zone=self.state.incidents[incident].zone))
        self.coordination_answered(agency, step.coordinate, incident, granted)

    # ------------------------------------------------------------------ leading

    def agency_leads(self, agency: str, incident: str) -> None:
        """Take the lead with one of the agency's slots, or queue for the next free one."""
        slots = self._leading[agency]
        if slots.count < slots.capacity:
            slots.count += 1
            self._lead_with_slot(agency, incident)
        else:
            slots.queue.append(incident)

    def _lead_with_slot(self, agency: str, incident: str) -> None:
        if not self.state.present(incident) or self.state.incidents[incident].lead == agency:
            self._free_slot(agency)
            return
        self._end_lead(incident)
        self._lead_slot[incident] = agency
        self.emit(ev.LeadAssigned(incident=incident, agency=agency))

    def _end_lead(self, incident: str) -> None:
        """The lead of an incident ends (another took it, or the incident left)."""
        agency = self._lead_slot.pop(incident, None)
        if agency is not None:
            self._free_slot(agency)

    def _free_slot(self, agency: str) -> None:
        """A slot passes to the first incident queued for it, or becomes free."""
        slots = self._leading[agency]
        if slots.queue:
            self._after(0.0, partial(self._lead_with_slot, agency, slots.queue.popleft()))
        else:
            slots.count -= 1

    # ------------------------------------------------------------------ messages and answers

    def message_in_transit(self, sender: str, receiver: str, incident: str, message: str,
                           then: Then) -> bool:
        """Carry a message over the first channel up between two agencies (waiting while
        all are down), then `then`; False, at once, when no channel connects them."""
        if sender == receiver:
            then()
            return True
        channels = self.world.channels_between(sender, receiver)
        if not channels:
            self.emit(ev.MessageUndeliverable(incident=incident, from_=sender, to=receiver,
                                              message=message))
            return False
        down = self.state.channels_down
        up = next((c for c in channels if c.between not in down), None) if down else channels[0]
        if up is not None:
            self._after(self._carrying[id(up)](), then)
        else:
            _on(self.env.any_of([self._channel_up[c.between] for c in channels]), partial(
                self.message_in_transit, sender, receiver, incident, message, then))
        return True

    def agency_responds(self, agency: str, then: Then) -> None:
        """`then`, after the agency's response time — counted only while it is there."""
        if agency in self.state.withdrawn:
            _on(self._returned[agency], lambda: self.agency_responds(agency, then))
            return
        self._after(self._responding[agency](), lambda: self._when_present(agency, then))

    def handoff_answered(self, sender: str, receiver: str, incident: str) -> None:
        self.message_in_transit(sender, receiver, incident, "handoff", lambda: self.agency_responds(
            receiver, lambda: self._handoff_decided(sender, receiver, incident)))

    def _handoff_decided(self, sender: str, receiver: str, incident: str) -> None:
        """The receiver accepts, unless it has no jurisdiction where the incident is now or
        every one of its lead slots is busy."""
        if not self.state.present(incident):
            return
        now = self.state.incidents[incident]
        holders = self.world.zones[now.zone].jurisdiction
        slots = self._leading[receiver]
        reason = None
        if holders and receiver not in holders:
            reason = f"{receiver} has no jurisdiction in {now.zone}"
        elif now.lead != receiver and slots.count >= slots.capacity:
            reason = f"{receiver} is at capacity ({slots.count}/{slots.capacity} incidents)"
        if reason:
            self.emit(ev.HandoffDeclined(incident=incident, from_=sender, to=receiver,
                                         reason=reason))
            return
        self.emit(ev.HandoffAccepted(incident=incident, from_=sender, to=receiver))
        self.agency_leads(receiver, incident)

    def request_answered(self, sender: str, request: Any, incident: str) -> None:
        self.message_in_transit(sender, request.by, incident, "request", lambda: (
            self.agency_carries_out(request.by, (Act(act=request.action, incident=incident),),
                                    incident)))

    def coordination_answered(self, sender: str, ask: Any, incident: str,
                              granted: simpy.Event) -> None:
        """The resource owner grants after its response time, once no traffic is active."""
        zone = self.state.incidents[incident].zone
        if not self.message_in_transit(sender, ask.with_, incident, "coordination", lambda: (
                self.agency_responds(ask.with_, lambda: self._grant_when_clear(
                    sender, ask, incident, zone, granted)))):
            granted.succeed()

    def _grant_when_clear(self, sender: str, ask: Any, incident: str, zone: str,
                          granted: simpy.Event) -> None:
        busy = next((z for z in self.world.watched_by(ask.with_, ask.domain, zone)
                     if self.state.traffic.get(z)), None)
        if busy is not None:
            _on(self._traffic_clear[busy],
                lambda: self._grant_when_clear(sender, ask, incident, zone, granted))
            return
        self.emit(ev.CoordinationGranted(incident=incident, agency=sender, with_=ask.with_,
                                         domain=ask.domain, zone=zone))
        granted.succeed()

    # ------------------------------------------------------------------ acting

    def agency_acts(self, agency: str, action: str, incident: str, force: bool,
                    then: Then) -> None:
        """Act where the incident is — after approval where an authority needs it (unless
        forced) — then `then`."""
        zone = self.state.incidents[incident].zone
        authority = rules.needs_approval(self.world, agency, action, zone)
        if authority is None or force:
            self._act_now(agency, action, incident, zone, approved=False)
            then()
            return
        approval = authority.approval
        assert approval is not None  # `needs_approval` names only an authority that has one
        asked = self.emit(ev.ApprovalRequested(incident=incident, agency=agency, by=approval.by,
                                               authority=authority.id, action=action))
        self._when_present(approval.by, lambda: self._approval_comes(asked, then))

    def _approval_comes(self, asked: ev.ApprovalRequested, then: Then) -> None:
        """The approver is there: its answer takes the authority's approval latency. (Methods,
        not functions nested in `agency_acts`: see this module's note on mypyc.)"""
        self._after(self._approving[asked.authority](), lambda: self._approved(asked, then))

    def _approved(self, asked: ev.ApprovalRequested, then: Then) -> None:
        incident = asked.incident
        self.emit(ev.ApprovalGranted(incident=incident, agency=asked.agency, by=asked.by,
                                     authority=asked.authority, action=asked.action))
        if self.state.present(incident):
            self._act_now(asked.agency, asked.action, incident,
                          self.state.incidents[incident].zone, approved=True)
        then()

    def _act_now(self, agency: str, action: str, incident: str, zone: str,
                 approved: bool) -> None:
        """The action happens; every rule it breaks becomes a `violation`."""
        if self.state.incidents[incident].detected_by is None:
            self.emit(ev.Detected(incident=incident, by=agency, zone=zone))
        broken = rules.broken_rules(self.world, self.state, agency, action, incident, zone,
                                    approved)
        self.emit(ev.ActionTaken(incident=incident, agency=agency, action=action, zone=zone))
        for rule, detail in broken:
            self.emit(ev.Violation(rule=rule, incident=incident, agency=agency, action=action,
                                   zone=zone, detail=detail))

    # ------------------------------------------------------------------ waiting

    def _when_present(self, agency: str, then: Then) -> None:
        """`then` now, or once a withdrawn agency is back."""
        if agency in self.state.withdrawn:
            _on(self._returned[agency], lambda: self._when_present(agency, then))
        else:
            then()


_STARTS: dict[type, Callable[[AgencyProcesses, str, Any, str], None]] = {
    AssumeLead: AgencyProcesses._start_lead, HandOff: AgencyProcesses._start_handoff,
    Notify: AgencyProcesses._start_notice, Share: AgencyProcesses._start_share,
    Request: AgencyProcesses._start_request, Coordinate: AgencyProcesses._start_coordination}


def _on(event: simpy.Event, then: Then) -> None:
    """`then` when the event happens."""
    event.callbacks.append(lambda _: then())
