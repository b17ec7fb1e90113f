"""What the scenario does: the exercise clock, incidents moving along their paths, streams
of incidents arriving, the MSEL's injects and their effects (traffic, channel outages,
withdrawals), and decisions opening and closing.

The part of an `Exercise` above `sim.agencies`: its orders and decisions set agencies to
work. The few long-lived actors (the clock, a stream, an inject waiting, an effect lasting)
are SimPy processes; what happens once per incident or per decision is a timeout with a
callback (`_after`), for the reason `sim.agencies` gives."""

from __future__ import annotations

from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from sim import events as ev
from sim.agencies import AgencyProcesses
from sim.randomness import sampler
from sim.running import Process
from sim.scenario import Decision, Inject, Stream
from sim.state import instance_key
from sim.steps import ChannelDown, Traffic, Withdraw


class ScenarioProcesses(AgencyProcesses):
    """The scenario's side of an `Exercise`."""

    policy: Callable[[ev.DecisionOpened], str | None] | None  # while `play_out` runs
    _undecided: dict[str, tuple[Decision, str | None]]  # open decisions, by instance
    _came_due_held: set[str]  # MSEL injects whose time came while held
    _outages: dict[tuple[str, ...], int]  # windows open, by channel
    _absences: dict[str, int]  # windows open, by agency

    def policy_answers(self, opened: ev.DecisionOpened, option: str) -> None:
        """A headless policy's option for an open decision (the `Exercise` journals it)."""
        raise NotImplementedError

    def exercise_runs(self) -> Process:
        self.emit(ev.ExerciseStarted(title=self.scenario.title))
        yield self.env.timeout(self.end_time)
        self.emit(ev.ExerciseEnded(reason="the exercise clock ran out"))

    def incident_moves(self, incident: str, path: tuple[tuple[str, float], ...], leaves: float,
                       detectors: tuple[str, ...]) -> None:
        """Enter each zone of the path at its time (detected on appearing), then leave: one
        timeout a move, not a process, since a year of streams starts tens of thousands."""
        self._after(path[0][1] - self.now,
                    lambda: self._incident_enters(incident, path, 0, leaves, detectors))

    def _incident_enters(self, incident: str, path: tuple[tuple[str, float], ...], n: int,
                         leaves: float, detectors: tuple[str, ...]) -> None:
        zone = path[n][0]
        self.emit(ev.ZoneEntered(incident=incident, zone=zone))
        if n == 0:
            for by in detectors:  # the first that is there
                if by not in self.state.withdrawn:
                    self.emit(ev.Detected(incident=incident, by=by, zone=zone))
                    break
        if n + 1 < len(path):
            self._after(path[n + 1][1] - self.now,
                        lambda: self._incident_enters(incident, path, n + 1, leaves, detectors))
        else:
            self._after(leaves - self.now, lambda: self._incident_leaves(incident))

    def _incident_leaves(self, incident: str) -> None:
        self.emit(ev.IncidentLeft(incident=incident))
        self._end_lead(incident)

    def stream_arrives(self, stream: Stream) -> Process:
        """Start an incident every `every` over the stream's window, on a weighted route."""
        rng = self.stream(f"stream:{stream.id}")
        until = self.end_time if stream.until is None else stream.until
        cumulative = list(accumulate([route.weight for route in stream.routes]))
        total, last = cumulative[-1] + 0.0, len(cumulative) - 1
        every = sampler(stream.every, rng)
        routes = [[(stop.zone, sampler(stop.dwell, rng)) for stop in route.path]
                  for route in stream.routes]
        at, count = stream.start, 0
        while stream.limit is None or count < stream.limit:
            at += every()
            if at > until:
                return
            yield self.env.timeout(at - self.now)
            count += 1
            route = routes[bisect(cumulative, rng.random() * total, 0, last)]  # as rng.choices
            path, t = [], at
            for zone, dwell in route:
                path.append((zone, t))
                t += dwell()
            self.incident_moves(f"{stream.id}-{count}", tuple(path), t, stream.detectors)

    def inject_comes(self, inject: Inject, event: ev.Event) -> None:
        """The event an inject waits for (`when`) happened: it is delivered after its delay."""
        self.env.process(self.inject_waits(inject, inject.delay))

    def inject_waits(self, inject: Inject, delay: float) -> Process:
        yield self.env.timeout(delay)
        if inject.id in self.state.held:  # it waits for the controller's release
            self._came_due_held.add(inject.id)
        elif inject.id not in self.state.delivered:  # (a controller may have fired it early)
            self.deliver_from_msel(inject.id)

    def deliver_from_msel(self, inject_id: str) -> None:
        """Deliver an MSEL inject, to its recipients, with its effects."""
        inject = next(i for i in self.scenario.injects if i.id == inject_id)
        self._deliver(inject.id, inject.recipients, inject.text, inject.effects)

    def decision_opens(self, decision: Decision, delay: float, subject: str | None) -> None:
        """Open a decision for its cell after `delay`; a player's choice closes it or, at the
        deadline, the default."""
        self._after(delay, lambda: self._decision_open(decision, subject))

    def _decision_open(self, decision: Decision, subject: str | None) -> None:
        key = instance_key(decision.id, subject)
        opened = self.emit(ev.DecisionOpened(decision=decision.id, cell=decision.cell,
                                             incident=subject,
                                             deadline=self.now + decision.deadline))
        self._undecided[key] = (decision, subject)
        self._after(decision.deadline,
                    lambda: self.decision_made(key, decision.default, "default"))
        option = self.policy(opened) if self.policy else None  # it depends on the instance alone
        if option is not None:
            self._at_end_of_instant(lambda: self.policy_answers(opened, option))

    def decision_made(self, key: str, option: str, by: str) -> None:
        """Close an open decision with an option (the first to come: a choice or the
        deadline's default), and have its cell carry out the option's steps."""
        if key not in self._undecided:
            return  # already taken
        decision, subject = self._undecided.pop(key)
        self.emit(ev.DecisionMade(decision=decision.id, cell=decision.cell, option=option, by=by,
                                  incident=subject))
        chosen = decision.option(option)
        assert chosen is not None  # refused before: an unknown option never comes this far
        if chosen.do:
            self.agency_carries_out(decision.cell, chosen.do, subject)

    def _deliver(self, inject: str, to: tuple[str, ...], text: str, effects: tuple) -> None:
        self.emit(ev.InjectDelivered(inject=inject, to=to, text=text))
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
        self.emit(ev.TrafficStarted(zone=zone))
        yield self.env.timeout(minutes)
        self.emit(ev.TrafficEnded(zone=zone))
        if not self.state.traffic.get(zone):
            self._traffic_clear.pop(zone).succeed()

    def channel_outage(self, between: tuple[str, ...], minutes: float | None) -> Process:
        return self._effect_window(self._outages, self._channel_up, between, minutes,
                                   ev.ChannelWentDown(between=between),
                                   ev.ChannelCameUp(between=between))

    def agency_away(self, agency: str, minutes: float | None) -> Process:
        return self._effect_window(self._absences, self._returned, agency, minutes,
                                   ev.AgencyWithdrawn(agency=agency),
                                   ev.AgencyReturned(agency=agency))

    def _effect_window(self, windows: dict, over: dict, key, minutes: float | None,
                       begins: ev.Event, ends: ev.Event) -> Process:
        """One window of an effect that others may overlap (two injects taking one channel
        down): the effect begins with the first window and ends with the last, when the
        SimPy event `over[key]`, which waiting messages and agencies hold, happens."""
        windows[key] += 1
        if windows[key] == 1:
            over[key] = self.env.event()
            self.emit(begins)
        if minutes is None:
            return
        yield self.env.timeout(minutes)
        windows[key] -= 1
        if windows[key] == 0:
            self.emit(ends)
            over.pop(key).succeed()
