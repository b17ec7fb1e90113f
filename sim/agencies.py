"""What agencies do, as SimPy processes: respond, lead, send messages over channels,
answer handoffs, requests and coordination, and act under the rules.

A mixin of `Exercise` (it uses the exercise's `env`, `state`, `world`, `emit` and random
streams); kept apart so the engine's API and its processes each fit in one reading."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim import events as ev
from sim import rules
from sim.randomness import draw
from sim.steps import Act, AssumeLead, Coordinate, HandOff, Notify, Request

Process = Generator[simpy.Event, Any, Any]


class AgencyProcesses:
    """The agencies' side of an `Exercise`."""

    def agency_carries_out(self, agency: str, steps: tuple, subject: str | None,
                           force: bool = False) -> Process:
        """An agency responds (after its `respond` latency) and runs its steps in order."""
        yield from self._until_present(agency)
        yield self.env.timeout(draw(self.world.agencies[agency].respond,
                                    self.stream(f"agency:{agency}")))
        for step in steps:
            yield from self._until_present(agency)
            incident = step.incident or subject
            if not self.state.present(incident):
                continue  # the contact is gone: nothing left to do about it
            if isinstance(step, AssumeLead):
                self.env.process(self.agency_leads(agency, incident))
            elif isinstance(step, HandOff):
                self.emit(ev.HandoffRequested, incident=incident, from_=agency,
                          to=step.handoff.to)
                self.env.process(self.handoff_answered(agency, step.handoff.to, incident))
            elif isinstance(step, Notify):
                self.env.process(self.notice_sent(agency, step.notify, incident))
            elif isinstance(step, Request):
                self.emit(ev.ActionRequested, incident=incident, from_=agency,
                          to=step.request.by, action=step.request.action)
                self.env.process(self.request_answered(agency, step.request, incident))
            elif isinstance(step, Coordinate):
                granted = self.env.event()
                self._grants_awaited[(agency, incident)].append(granted)
                self.emit(ev.CoordinationRequested, incident=incident, agency=agency,
                          with_=step.coordinate.with_, domain=step.coordinate.domain,
                          zone=self.state.incidents[incident].zone)
                self.env.process(self.coordination_answered(agency, step.coordinate, incident,
                                                            granted))
            elif isinstance(step, Act):
                if step.after == "coordinated":
                    awaited = self._grants_awaited.pop((agency, incident), [])
                    if awaited:
                        yield self.env.all_of(awaited)
                yield from self.agency_acts(agency, step.act, incident, force)

    def agency_leads(self, agency: str, incident: str) -> Process:
        """Hold one of the agency's lead slots while it leads (waiting while all are busy)."""
        with self._leading[agency].request() as slot:
            yield slot
            if not self.state.present(incident) or self.state.incidents[incident].lead == agency:
                return
            self._end_lead(incident)
            ends = self._lead_ends[incident] = self.env.event()
            self.emit(ev.LeadAssigned, incident=incident, agency=agency)
            yield ends

    def _end_lead(self, incident: str) -> None:
        ends = self._lead_ends.pop(incident, None)
        if ends is not None:
            ends.succeed()

    def message_in_transit(self, sender: str, receiver: str, incident: str,
                           message: str) -> Generator[simpy.Event, Any, bool]:
        """Carry a message over the first channel up between two agencies (waiting while
        all are down); False when no channel connects them."""
        if sender == receiver:
            return True
        channels = self.world.channels_between(sender, receiver)
        if not channels:
            self.emit(ev.MessageUndeliverable, incident=incident, from_=sender, to=receiver,
                      message=message)
            return False
        while True:
            up = [c for c in channels if c.between not in self.state.channels_down]
            if up:
                break
            yield self.env.any_of([self._channel_up[c.between] for c in channels])
        yield self.env.timeout(draw(up[0].latency, self.stream(f"channel:{up[0].label}")))
        return True

    def _answer_delay(self, agency: str) -> Process:
        yield from self._until_present(agency)
        yield self.env.timeout(draw(self.world.agencies[agency].respond,
                                    self.stream(f"agency:{agency}")))
        yield from self._until_present(agency)

    def handoff_answered(self, sender: str, receiver: str, incident: str) -> Process:
        if not (yield from self.message_in_transit(sender, receiver, incident, "handoff")):
            return
        yield from self._answer_delay(receiver)
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
            self.emit(ev.HandoffDeclined, incident=incident, from_=sender, to=receiver,
                      reason=reason)
            return
        self.emit(ev.HandoffAccepted, incident=incident, from_=sender, to=receiver)
        self.env.process(self.agency_leads(receiver, incident))

    def notice_sent(self, sender: str, receiver: str, incident: str) -> Process:
        if (yield from self.message_in_transit(sender, receiver, incident, "notification")):
            self.emit(ev.Notified, incident=incident, from_=sender, to=receiver)

    def request_answered(self, sender: str, request: Any, incident: str) -> Process:
        if (yield from self.message_in_transit(sender, request.by, incident, "request")):
            step = Act(act=request.action, incident=incident)
            yield self.env.process(self.agency_carries_out(request.by, (step,), incident))

    def coordination_answered(self, sender: str, ask: Any, incident: str,
                              granted: simpy.Event) -> Process:
        """The resource owner grants after its response time, once no traffic is active."""
        zone = self.state.incidents[incident].zone
        if not (yield from self.message_in_transit(sender, ask.with_, incident, "coordination")):
            granted.succeed()
            return
        yield from self._answer_delay(ask.with_)
        while self.state.traffic.get(zone):
            yield self._traffic_clear[zone]
        self.emit(ev.CoordinationGranted, incident=incident, agency=sender, with_=ask.with_,
                  domain=ask.domain, zone=zone)
        granted.succeed()

    def agency_acts(self, agency: str, action: str, incident: str, force: bool) -> Process:
        """Wait for approval where an authority needs it (unless forced), then act where
        the incident is now; every rule the action breaks becomes a `violation`."""
        zone = self.state.incidents[incident].zone
        authority = rules.needs_approval(self.world, agency, action, zone)
        approved = False
        if authority is not None and not force:
            asked = dict(incident=incident, agency=agency, by=authority.approval.by,
                         authority=authority.id, action=action)
            self.emit(ev.ApprovalRequested, **asked)
            yield from self._until_present(authority.approval.by)
            yield self.env.timeout(draw(authority.approval.latency,
                                        self.stream(f"approval:{authority.id}")))
            self.emit(ev.ApprovalGranted, **asked)
            approved = True
            if not self.state.present(incident):
                return
            zone = self.state.incidents[incident].zone
        if self.state.incidents[incident].detected_by is None:
            self.emit(ev.Detected, incident=incident, by=agency, zone=zone)
        broken = rules.broken_rules(self.world, self.state, agency, action, incident, zone,
                                    approved)
        self.emit(ev.ActionTaken, incident=incident, agency=agency, action=action, zone=zone)
        for rule, detail in broken:
            self.emit(ev.Violation, rule=rule, incident=incident, agency=agency, action=action,
                      zone=zone, detail=detail)

    def _until_present(self, agency: str) -> Process:
        while agency in self.state.withdrawn:
            yield self._returned[agency]
