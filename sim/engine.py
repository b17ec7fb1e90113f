"""`Exercise`: a scenario running on a SimPy environment — commands in, events out.

The SimPy processes are named after what an actor does (`incident_moves`,
`agency_carries_out`, `message_in_transit`, …). Every fact they produce goes through
`emit`, which numbers it, folds it into `State` and queues it for the journal. A person's
command enters through `submit` only, takes effect at the current clock, and is on disk
before `submit` returns.

Determinism: randomness comes from one stream per entity, seeded by (seed, entity id);
processes start in scenario-file order; commands are replayed at the same sim time and
after the same number of engine steps, so a journal always replays to the same events.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import simpy

from sim import commands as cmd
from sim import events as ev
from sim import rules
from sim.refusals import refusal
from sim.scenario import (
    Act,
    AssumeLead,
    ChannelDown,
    Coordinate,
    CoordinateSpec,
    Decision,
    HandOff,
    HandOffSpec,
    Inject,
    Lognormal,
    Notify,
    Order,
    Request,
    RequestSpec,
    Scenario,
    Stream,
    Traffic,
    Triangular,
    Withdraw,
)
from sim.state import State, instance_key

Process = Generator[simpy.Event, Any, Any]
Z90 = 1.2815515655446004  # the standard normal's 90th percentile
WRITE_BATCH = 5000  # events held before a journal write
WRITE_EVERY_S = 0.5  # …or wall seconds since the last one


@dataclass(frozen=True)
class Accepted:
    number: int
    t: float
    events: list[ev.Event]


@dataclass(frozen=True)
class Refused:
    reason: str


def draw(latency: Any, rng: random.Random) -> float:
    """One sample of a latency: fixed minutes, lognormal through (median, p90), or triangular."""
    if isinstance(latency, Lognormal):
        if latency.p90 == latency.median:
            return latency.median
        return rng.lognormvariate(math.log(latency.median),
                                  (math.log(latency.p90) - math.log(latency.median)) / Z90)
    if isinstance(latency, Triangular):
        return rng.triangular(latency.min, latency.max, latency.mode)
    return float(latency)


class Exercise:
    """One run of a scenario: the spec is never changed, everything else lives here."""

    def __init__(self, scenario: Scenario, seed: int = 0, journal: Any = None):
        self.scenario = scenario
        self.seed = seed
        self.journal = journal
        self.world = rules.World.of(scenario)
        self.env = simpy.Environment()
        self.state = State()
        self.clock = 0.0
        self.steps = 0
        self.commands = 0
        self._unwritten: list[ev.Event] = []
        self._last_write = time.monotonic()
        self._fresh: list[ev.Event] = []
        self._streams: dict[str, random.Random] = {}
        self._choices: dict[str, simpy.Event] = {}
        self._opened: set[str] = set()
        self._lead_ends: dict[str, simpy.Event] = {}
        self._leading = {a.id: simpy.Resource(self.env, a.capacity) for a in scenario.agencies}
        self._returned: dict[str, simpy.Event] = {}
        self._channel_up: dict[tuple[str, ...], simpy.Event] = {}
        self._outages: dict[tuple[str, ...], int] = defaultdict(int)
        self._absences: dict[str, int] = defaultdict(int)
        self._traffic_clear: dict[str, simpy.Event] = {}
        self._grants_awaited: dict[tuple[str, str], list[simpy.Event]] = defaultdict(list)
        self._triggers: dict[str, list[tuple[dict, Callable[[ev.Event], None]]]] = defaultdict(list)
        self._start()

    # ------------------------------------------------------------------ the public API

    @property
    def next_event_time(self) -> float | None:
        """When the engine next has something to do (None once the exercise has ended)."""
        if self.state.ended:
            return None
        at = self.env.peek()
        return None if at == math.inf else at

    @property
    def end_time(self) -> float:
        return self.scenario.clock.duration

    def advance_to(self, t: float, budget: int | None = None) -> list[ev.Event]:
        """Process every engine event at or before `t` (at most about `budget` steps, always
        finishing the current instant) and return the new facts. Afterwards everything up
        to `self.clock` has happened, so a command submitted now is replayable exactly."""
        taken = 0
        while not self.state.ended:
            at = self.env.peek()
            if at > t or (budget is not None and taken >= budget and at > self.env.now):
                break
            self.env.step()
            self.steps += 1
            taken += 1
        reached_t = not self.state.ended and self.env.peek() > t
        self.clock = max(self.clock, min(t, self.end_time) if reached_t else self.env.now)
        return self._flush()

    def step(self) -> list[ev.Event]:
        """Advance to the next moment something happens."""
        at = self.next_event_time
        return [] if at is None else self.advance_to(at)

    def run(self) -> list[ev.Event]:
        """Run to the end of the exercise."""
        return self.advance_to(math.inf)

    def submit(self, command: Any) -> Accepted | Refused:
        """Take a person's command at the current clock. Refuse only the impossible; journal
        the rest before anything happens, then carry it out."""
        reason = refusal(self.world, self.state, command)
        if self.journal is not None:
            self.flush()
            self.journal.record_command(self.clock, self.steps, command, reason)
        if reason:
            return Refused(reason)
        self.commands += 1
        if self.state.ended:
            self._note_after_end(command)
            return Accepted(self.commands, self.clock, self._flush())
        self.env.process(self.command_takes_effect(command, self.clock))
        return Accepted(self.commands, self.clock, self.advance_to(self.clock))

    def stream(self, entity: str) -> random.Random:
        """The random stream of one entity: a choice elsewhere never shifts its draws."""
        if entity not in self._streams:
            self._streams[entity] = random.Random(f"{self.seed}:{entity}")
        return self._streams[entity]

    # ------------------------------------------------------------------ facts

    def emit(self, cls: type[ev.Event], **fields: Any) -> ev.Event:
        """Number a fact, fold it into the state, queue it for the journal, fire triggers."""
        event = cls(seq=self.state.seq + 1, t=self.env.now, **fields)
        self.state.apply(event)
        self._unwritten.append(event)
        self._fresh.append(event)
        for event_filter, then in tuple(self._triggers.get(event.kind, ())):  # may shrink
            if ev.matches(event, event_filter):
                then(event)
        if event.kind in _GAP_CHECKS:
            for incident in _GAP_CHECKS[event.kind](self, event):
                self._reconcile_gap(incident)
        return event

    def append_unwritten(self, events: list[ev.Event]) -> None:
        """Queue events the journal is missing (a crash between a command and its events)."""
        self._unwritten.extend(events)
        self._flush()

    def flush(self) -> None:
        """Write the events not yet in the journal (and the clock reached)."""
        if self.journal is not None:
            self.journal.append_events(self._unwritten, self.clock)
            self._last_write = time.monotonic()
        self._unwritten = []

    def _flush(self) -> list[ev.Event]:
        """Hand back the fresh events; write to the journal in batches, since every
        write waits for the disk. What is not yet written is reproducible from the
        commands, which are always on disk."""
        fresh, self._fresh = self._fresh, []
        if (self.journal is None or self.state.ended or len(self._unwritten) >= WRITE_BATCH
                or time.monotonic() - self._last_write >= WRITE_EVERY_S):
            self.flush()
        return fresh

    def _reconcile_gap(self, incident: str) -> None:
        now = self.state.incidents[incident]
        want = rules.gap_zone(self.world, self.state, incident)
        if now.gap == want:
            return
        if now.gap is not None:
            self.emit(ev.LeadGapClosed, incident=incident, zone=now.gap)
        if want is not None:
            self.emit(ev.LeadGap, incident=incident, zone=want)

    # ------------------------------------------------------------------ set-up

    def _start(self) -> None:
        """Start every process in scenario-file order (SimPy breaks ties by insertion)."""
        s = self.scenario
        self.env.process(self.exercise_runs())
        for incident in s.incidents:
            path = tuple((step.zone, step.at) for step in incident.path)
            self.env.process(self.incident_moves(incident.id, path, incident.leaves,
                                                 incident.detectors))
        for stream in s.streams:
            self.env.process(self.stream_arrives(stream))
        for inject in s.injects:
            if inject.at is not None:
                self.env.process(self.inject_waits(inject, inject.at))
            elif inject.when is not None:
                self._once(inject.when, lambda e, i=inject: self.env.process(
                    self.inject_waits(i, i.delay)))
        for decision in s.decisions:
            if decision.at is not None:
                self.env.process(self.decision_opens(decision, decision.at, None))
            else:
                self._always(decision.when, lambda e, d=decision: self._open_for(d, e))
        for order in s.orders:
            self._always(order.when, lambda e, o=order: self._obey(o, e))

    def _open_for(self, decision: Decision, event: ev.Event) -> None:
        """A `when` decision opens once for each incident whose event matches."""
        subject = getattr(event, "incident", None)
        if instance_key(decision.id, subject) not in self._opened:
            self._opened.add(instance_key(decision.id, subject))
            self.env.process(self.decision_opens(decision, 0.0, subject))

    def _obey(self, order: Order, event: ev.Event) -> None:
        """A standing order: its agency (or the incident's lead) carries out its steps."""
        subject = getattr(event, "incident", None)
        agency = order.agency
        if agency == "lead":
            agency = self.state.incidents[subject].lead if self.state.present(subject) else None
        if agency is not None:
            self.env.process(self.agency_carries_out(agency, order.do, subject))

    def _always(self, event_filter: dict, then: Callable[[ev.Event], Any]) -> None:
        """Run `then` at every event matching the filter."""
        self._triggers[event_filter["event"]].append((event_filter, then))

    def _once(self, event_filter: dict, then: Callable[[ev.Event], Any]) -> None:
        """Run `then` at the first event matching the filter, and never again."""
        entry: list[Any] = []

        def fire(event: ev.Event) -> None:
            self._triggers[event_filter["event"]].remove(entry[0])
            then(event)

        entry.append((event_filter, fire))
        self._triggers[event_filter["event"]].append(entry[0])

    # ------------------------------------------------------------------ processes

    def exercise_runs(self) -> Process:
        self.emit(ev.ExerciseStarted, title=self.scenario.title)
        yield self.env.timeout(self.end_time)
        self.emit(ev.ExerciseEnded, reason="the exercise clock ran out")

    def incident_moves(self, incident: str, path: tuple[tuple[str, float], ...], leaves: float,
                       detectors: tuple[str, ...]) -> Process:
        """Enter each zone of the path at its time (detected on appearing), then leave."""
        for n, (zone, at) in enumerate(path):
            yield self.env.timeout(at - self.env.now)
            self.emit(ev.ZoneEntered, incident=incident, zone=zone)
            if n == 0:
                by = next((a for a in detectors if a not in self.state.withdrawn), None)
                if by is not None:
                    self.emit(ev.Detected, incident=incident, by=by, zone=zone)
        yield self.env.timeout(leaves - self.env.now)
        self.emit(ev.IncidentLeft, incident=incident)
        self._end_lead(incident)

    def stream_arrives(self, stream: Stream) -> Process:
        """Start an incident every `every` over the stream's window, on a weighted route."""
        rng = self.stream(f"stream:{stream.id}")
        until = self.end_time if stream.until is None else stream.until
        weights = [route.weight for route in stream.routes]
        at, count = stream.start, 0
        while stream.limit is None or count < stream.limit:
            at += draw(stream.every, rng)
            if at > until:
                return
            yield self.env.timeout(at - self.env.now)
            count += 1
            route = rng.choices(stream.routes, weights)[0]
            path, t = [], at
            for stop in route.path:
                path.append((stop.zone, t))
                t += draw(stop.dwell, rng)
            self.env.process(self.incident_moves(f"{stream.id}-{count}", tuple(path), t,
                                                 stream.detectors))

    def inject_waits(self, inject: Inject, delay: float) -> Process:
        yield self.env.timeout(delay)
        if inject.id not in self.state.delivered:  # a controller may have fired it early
            self._deliver(inject.id, inject.recipients, inject.text, inject.effects)

    def decision_opens(self, decision: Decision, delay: float, subject: str | None) -> Process:
        """Open a decision for its cell; a player's choice or, at the deadline, the default."""
        yield self.env.timeout(delay)
        key = instance_key(decision.id, subject)
        self.emit(ev.DecisionOpened, decision=decision.id, cell=decision.cell,
                  deadline=self.env.now + decision.deadline, incident=subject)
        chosen = self._choices[key] = self.env.event()
        yield chosen | self.env.timeout(decision.deadline)
        del self._choices[key]
        option, by = chosen.value if chosen.triggered else (decision.default, "default")
        self.emit(ev.DecisionMade, decision=decision.id, cell=decision.cell, option=option, by=by,
                  incident=subject)
        steps = decision.option(option).do
        if steps:
            self.env.process(self.agency_carries_out(decision.cell, steps, subject))

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

    # ------------------------------------------------------------------ injects and effects

    def _deliver(self, inject: str, to: tuple[str, ...], text: str, effects: tuple) -> None:
        self.emit(ev.InjectDelivered, inject=inject, to=to, text=text)
        for effect in effects:
            if isinstance(effect, Traffic):
                self.env.process(self.traffic_window(effect.traffic.zone, effect.traffic.for_))
            elif isinstance(effect, ChannelDown):
                spec = effect.channel_down
                channel = next(c for c in self.scenario.channels
                               if set(spec.between) <= set(c.between))
                self.env.process(self.channel_outage(channel.between, spec.for_))
            elif isinstance(effect, Withdraw):
                self.env.process(self.agency_away(effect.withdraw.agency, effect.withdraw.for_))

    def traffic_window(self, zone: str, minutes: float) -> Process:
        if not self.state.traffic.get(zone):
            self._traffic_clear[zone] = self.env.event()
        self.emit(ev.TrafficStarted, zone=zone)
        yield self.env.timeout(minutes)
        self.emit(ev.TrafficEnded, zone=zone)
        if not self.state.traffic.get(zone):
            self._traffic_clear.pop(zone).succeed()

    def channel_outage(self, between: tuple[str, ...], minutes: float | None) -> Process:
        self._outages[between] += 1
        if self._outages[between] == 1:
            self._channel_up[between] = self.env.event()
            self.emit(ev.ChannelWentDown, between=between)
        if minutes is None:
            return
        yield self.env.timeout(minutes)
        self._outages[between] -= 1
        if self._outages[between] == 0:
            self.emit(ev.ChannelCameUp, between=between)
            self._channel_up.pop(between).succeed()

    def agency_away(self, agency: str, minutes: float | None) -> Process:
        self._absences[agency] += 1
        if self._absences[agency] == 1:
            self._returned[agency] = self.env.event()
            self.emit(ev.AgencyWithdrawn, agency=agency)
        if minutes is None:
            return
        yield self.env.timeout(minutes)
        self._absences[agency] -= 1
        if self._absences[agency] == 0:
            self.emit(ev.AgencyReturned, agency=agency)
            self._returned.pop(agency).succeed()

    def _until_present(self, agency: str) -> Process:
        while agency in self.state.withdrawn:
            yield self._returned[agency]

    # ------------------------------------------------------------------ commands

    def command_takes_effect(self, c: Any, at: float) -> Process:
        yield self.env.timeout(at - self.env.now)
        if isinstance(c, cmd.Decide):
            self._choices[self.state.instance_of(c.decision, c.incident)].succeed((c.option, c.by))
        elif isinstance(c, cmd.FireInject):
            inject = next(i for i in self.scenario.injects if i.id == c.inject)
            self._deliver(inject.id, inject.recipients, inject.text, inject.effects)
        elif isinstance(c, cmd.AdHocInject):
            number = sum(1 for i in self.state.delivered if i.startswith("X-")) + 1
            self._deliver(f"X-{number}", c.to, c.text, c.effects)
        elif isinstance(c, cmd.PLAYER_MOVES):
            self.env.process(self.agency_carries_out(c.agency, (_as_step(c),), c.incident,
                                                     force=getattr(c, "force", False)))
        elif isinstance(c, cmd.Pause):
            self.emit(ev.ExercisePaused, text=c.text)
        elif isinstance(c, cmd.Resume):
            self.emit(ev.ExerciseResumed)
        elif isinstance(c, cmd.End):
            self.emit(ev.ExerciseEnded, reason=c.reason)
        else:
            self._note_after_end(c)

    def _note_after_end(self, c: Any) -> None:
        if isinstance(c, cmd.Note):
            self.emit(ev.Note, text=c.text, author=c.author, objective=c.objective)
        elif isinstance(c, cmd.Rate):
            self.emit(ev.ObjectiveRated, objective=c.objective, rating=c.rating, by=c.by,
                      why=c.why)


def _as_step(c: Any) -> Any:
    """A player's move recorded by the controller, as the scenario step it stands for."""
    if isinstance(c, cmd.AssumeLead):
        return AssumeLead(assume_lead=c.incident)
    if isinstance(c, cmd.HandOff):
        return HandOff(handoff=HandOffSpec(incident=c.incident, to=c.to))
    if isinstance(c, cmd.Notify):
        return Notify(notify=c.to, incident=c.incident)
    if isinstance(c, cmd.Request):
        return Request(request=RequestSpec(action=c.action, by=c.by, incident=c.incident))
    if isinstance(c, cmd.Coordinate):
        return Coordinate(coordinate=CoordinateSpec(with_=c.with_, domain=c.domain,
                                                    incident=c.incident))
    return Act(act=c.action, incident=c.incident,
               after="coordinated" if c.after_coordinated else None)


def _gap_incidents(exercise: Exercise, event: ev.Event) -> Iterator[str]:
    if hasattr(event, "incident"):
        yield event.incident
    else:
        yield from exercise.state.leading(event.agency)


_GAP_CHECKS: dict[str, Callable[[Exercise, ev.Event], Any]] = {
    kind: _gap_incidents for kind in ("zone_entered", "detected", "lead_assigned",
                                      "handoff_declined", "incident_left", "agency_withdrawn",
                                      "agency_returned")
}

