"""`Exercise`: a scenario running on a SimPy environment — commands in, events out.

Activities are named after what an actor does (`incident_moves`, `agency_carries_out`,
`message_in_transit`, …): SimPy processes for the few long-lived actors (the clock, a
stream), timeouts with callbacks for what happens thousands of times (incidents' moves,
decisions, agencies' steps; `sim.agencies` says why). Every fact goes through
`emit`, which numbers it, folds it into `State` and queues it for the journal. A person's
command enters through `submit` only, takes effect at the current clock, and is on disk
before `submit` returns; a headless policy's answers enter within a step
(`policy_answers`), checked alike and journaled with the events around them.

Determinism: randomness comes from one stream per entity, seeded by (seed, entity id);
processes start in scenario-file order; commands are replayed at the same sim time and
after the same number of engine steps, so a journal always replays to the same events.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import simpy

from sim import commands as cmd
from sim import events as ev
from sim import rules
from sim.agencies import LeadSlots
from sim.collector import collector_paused
from sim.randomness import Samplers
from sim.refusals import choice_refusal, refusal
from sim.running import E
from sim.scenario import Decision, Order, Scenario
from sim.scenery import ScenarioProcesses
from sim.state import State, instance_key
from sim.steps import (
    Act,
    AssumeLead,
    Coordinate,
    CoordinateSpec,
    HandOff,
    HandOffSpec,
    Notify,
    Request,
    RequestSpec,
    Share,
)
from sim.triggers import Triggers

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


class Exercise(ScenarioProcesses):
    """One run of a scenario: the spec is never changed, everything else lives here. The
    SimPy processes live in the parts below it: what the scenario does (`sim.scenery`) and
    what agencies do (`sim.agencies`), on the ground of `sim.running`."""

    def __init__(self, scenario: Scenario, seed: int = 0, journal: Any = None):
        self.scenario = scenario
        self.seed = seed
        self.journal = journal
        self.world = rules.World.of(scenario)
        self.env = simpy.Environment(initial_time=0.0)
        self.state = State()
        self.clock = 0.0
        self.steps = 0
        self.commands = 0
        self._unwritten: list[ev.Event] = []
        self._unwritten_commands: list[tuple] = []  # a policy's: (t, step, command, refused)
        self._last_write = time.monotonic()
        self._fresh: list[ev.Event] = []
        self._streams = {}
        self._responding = Samplers(self.stream, lambda agency: (
            f"agency:{agency}", self.world.agencies[agency].respond))
        self._approving = Samplers(self.stream, self._approval_latency)
        channels = {id(c): c for c in scenario.channels}  # by identity: two may share a label
        self._carrying = Samplers(self.stream, lambda key: (
            f"channel:{channels[key].label}", channels[key].latency))
        self._undecided = {}
        self._opened: set[str] = set()  # `when` decisions' instances opened so far
        self.policy = None
        self._lead_slot = {}
        self._leading = {a.id: LeadSlots(a.capacity) for a in scenario.agencies}
        self._returned = {}
        self._channel_up = {}
        self._outages = defaultdict(int)
        self._absences = defaultdict(int)
        self._traffic_clear = {}
        self._came_due_held = set()
        self._grants_awaited = defaultdict(list)
        self._triggers = Triggers()
        self._start()

    # ------------------------------------------------------------------ the public API

    @property
    def next_event_time(self) -> float | None:
        """When the engine next has something to do (None once the exercise has ended)."""
        if self.state.ended:
            return None
        at = self.env.peek()
        return None if at == math.inf else at

    def advance_to(self, t: float, budget: int | None = None) -> list[ev.Event]:
        """Process every engine event at or before `t` and return the new facts — stopping
        early after about `budget` steps, but always finishing the current instant.
        Afterwards everything up to `self.clock` has happened, so a command submitted now is
        replayable exactly. (`steps` counts as it goes: a policy's answer, journaled during a
        step, is replayed after the steps before it.)"""
        env, state = self.env, self.state
        queue, step = env._queue, env.step
        stop = math.inf if budget is None else self.steps + budget
        with collector_paused():
            while not state.ended:
                at = queue[0][0] if queue else math.inf  # `env.peek()`, without a Python call
                if at > t or (self.steps >= stop and at > self.now):
                    break
                step()
                self.steps += 1
            reached_t = not state.ended and env.peek() > t
            self.clock = max(self.clock, min(t, self.end_time) if reached_t else self.now)
            return self._flush()

    def step(self) -> list[ev.Event]:
        """Advance to the next moment something happens."""
        at = self.next_event_time
        return [] if at is None else self.advance_to(at)

    def run(self) -> list[ev.Event]:
        """Run to the end of the exercise."""
        return self.advance_to(math.inf)

    def submit(self, command: Any, seat: str | None = None) -> Accepted | Refused:
        """Take a person's command at the current clock. Refuse only the impossible; journal
        the rest before anything happens (with the player cells' `seat` it came from, if it
        came from one), then carry it out."""
        reason = refusal(self.world, self.state, command)
        if self.journal is not None:
            self.flush()
            self.journal.record_command(self.clock, self.steps, command, reason, seat)
        if reason:
            return Refused(reason)
        self.commands += 1
        if self.state.ended:
            self._note_after_end(command)
            return Accepted(self.commands, self.clock, self._flush())
        self._after(self.clock - self.now, lambda: self.command_takes_effect(command))
        return Accepted(self.commands, self.clock, self.advance_to(self.clock))

    def policy_answers(self, opened: ev.DecisionOpened, option: str) -> None:
        """The policy's option takes effect at the end of the instant the decision opened in
        (all else due then has happened), where a player at the console would take it, and
        is journaled as a player's choice: the run replays without the policy. Within the
        step, not between steps, since pausing the run at each of 10^4 decisions of a year
        cost a twentieth of it. Journaled with the events around it, not committed on its
        own as a person's command is: lost in a crash, it is taken again alike on resuming,
        and a commit for each of a year's answers made the run ten times longer. Checked as
        its `decide` command would be, which is made only for the journal: a batch's runs
        have none, and making it cost a twentieth of them."""
        self.clock = self.now  # the instant is done but for the policy's answers
        decision, incident = opened.decision, opened.incident
        reason = choice_refusal(self.world, self.state, decision, incident, option)
        if self.journal is not None:
            self._unwritten_commands.append(
                (self.clock, self.steps, cmd.policy_choice(opened, option), reason))
        if reason is None:
            self.commands += 1
            self.decision_made(self.state.instance_of(decision, incident), option, "policy")

    # ------------------------------------------------------------------ facts

    def emit(self, event: E) -> E:
        """Number and stamp a fact, fold it into the state, queue it for the journal, fire
        triggers."""
        state = self.state
        event.seq, event.t = state.seq + 1, self.now
        state.apply(event)
        self._unwritten.append(event)
        self._fresh.append(event)
        kind = event.kind
        if kind in self._triggers.kinds:
            self._triggers.fire(event)
        if kind in GAP_MAY_CHANGE_FOR_INCIDENT:  # (its kind says the event has the field)
            self._reconcile_gap(cast(Any, event).incident)
        elif kind in GAP_MAY_CHANGE_FOR_AGENCY:
            for incident in state.leading(cast(Any, event).agency):
                self._reconcile_gap(incident)
        return event

    def append_unwritten(self, events: list[ev.Event]) -> None:
        """Queue events the journal is missing (a crash between a command and its events)."""
        self._unwritten.extend(events)
        self._flush()

    def flush(self) -> None:
        """Write the events not yet in the journal, a policy's commands among them, and the
        clock reached."""
        if self.journal is not None:
            self.journal.append_events(self._unwritten, self.clock, self._unwritten_commands)
            self._last_write = time.monotonic()
        self._unwritten, self._unwritten_commands = [], []

    def flush_when_due(self) -> None:
        """Write what waits (events, or only the clock moved on) once WRITE_EVERY_S has
        passed since the last write. A console calls it between steps, so that whoever
        follows the journal (the players' screen) sees the exercise within a moment even
        while the clock stands still or nothing happens."""
        if (self.journal is not None
                and (self._unwritten or self.journal.clock != self.clock)
                and time.monotonic() - self._last_write >= WRITE_EVERY_S):
            self.flush()

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
        want = rules.gap_zone(self.world, self.state, now)
        if now.gap == want:
            return
        if now.gap is not None:
            self.emit(ev.LeadGapClosed(incident=incident, zone=now.gap))
        if want is not None:
            self.emit(ev.LeadGap(incident=incident, zone=want))

    # ------------------------------------------------------------------ set-up

    def _approval_latency(self, authority: str) -> tuple[str, Any]:
        """The stream and latency of an authority's approvals (`Samplers` binds them)."""
        approval = self.world.authorities[authority].approval
        assert approval is not None  # only an authority that needs approval is asked
        return f"approval:{authority}", approval.latency

    def _start(self) -> None:
        """Start every process in scenario-file order (SimPy breaks ties by insertion)."""
        s = self.scenario
        self.env.process(self.exercise_runs())
        for incident in s.incidents:
            path = tuple((step.zone, step.at) for step in incident.path)
            self.incident_moves(incident.id, path, incident.leaves, incident.detectors)
        for stream in s.streams:
            self.env.process(self.stream_arrives(stream))
        for inject in s.injects:
            if inject.at is not None:
                self.env.process(self.inject_waits(inject, inject.at))
            elif inject.when is not None:
                self._once(inject.when, partial(self.inject_comes, inject))
        for decision in s.decisions:
            if decision.at is not None:
                self.decision_opens(decision, decision.at, None)
            elif decision.when is not None:
                self._always(decision.when, partial(self._open_for, decision))
        for order in s.orders:
            self._always(order.when, partial(self._obey, order))

    def _open_for(self, decision: Decision, event: ev.Event) -> None:
        """A `when` decision opens once for each incident whose event matches."""
        subject = getattr(event, "incident", None)
        if instance_key(decision.id, subject) not in self._opened:
            self._opened.add(instance_key(decision.id, subject))
            self.decision_opens(decision, 0.0, subject)

    def _obey(self, order: Order, event: ev.Event) -> None:
        """A standing order: its agency (or the incident's lead) carries out its steps."""
        subject = getattr(event, "incident", None)
        agency: str | None = order.agency
        if agency == "lead":
            now = self.state.incidents.get(subject) if subject is not None else None
            agency = now.lead if now is not None and now.present else None
        if agency is not None:
            self.agency_carries_out(agency, order.do, subject)

    def _always(self, event_filter: dict, then: Callable[[ev.Event], Any]) -> None:
        """Run `then` at every event matching the filter."""
        self._triggers.add(event_filter, then)

    def _once(self, event_filter: dict, then: Callable[[ev.Event], Any]) -> None:
        """Run `then` at the first event matching the filter, and never again."""

        def first_time(event: ev.Event) -> None:
            trigger.live = False
            then(event)

        trigger = self._triggers.add(event_filter, first_time)

    # ------------------------------------------------------------------ commands

    def command_takes_effect(self, c: Any) -> None:
        if isinstance(c, cmd.Decide):
            self.decision_made(self.state.instance_of(c.decision, c.incident), c.option, c.by)
        elif isinstance(c, cmd.FireInject):
            self.deliver_from_msel(c.inject)
        elif isinstance(c, cmd.HoldInject):
            held = self.emit(ev.InjectHeld(inject=c.inject, why=c.why, for_=c.for_))
            if c.for_ is not None:
                self._after(c.for_, lambda: self._hold_ends(held))
        elif isinstance(c, cmd.ReleaseInject):
            self._release(c.inject)
        elif isinstance(c, cmd.AdHocInject):
            number = sum(1 for i in self.state.delivered if i.startswith("X-")) + 1
            self._deliver(f"X-{number}", c.to, c.text, c.effects)
        elif isinstance(c, cmd.PLAYER_MOVES):
            self.agency_carries_out(c.agency, (_as_step(c),), c.incident,
                                    force=getattr(c, "force", False))
        elif isinstance(c, cmd.Pause):
            self.emit(ev.ExercisePaused(text=c.text))
        elif isinstance(c, cmd.Resume):
            self.emit(ev.ExerciseResumed())
        elif isinstance(c, cmd.End):
            self.emit(ev.ExerciseEnded(reason=c.reason))
        else:
            self._note_after_end(c)

    def _release(self, inject: str) -> None:
        """A held inject fires by itself again: at once if its time came while it was held."""
        self.emit(ev.InjectReleased(inject=inject))
        if inject in self._came_due_held:
            self.deliver_from_msel(inject)

    def _hold_ends(self, held: ev.InjectHeld) -> None:
        """The end of a hold `for` a while — unless that hold is over already (released or
        fired by hand, or the exercise ended)."""
        state = self.state
        if state.held.get(held.inject) is held and held.inject not in state.delivered \
                and not state.ended:
            self._release(held.inject)

    def _note_after_end(self, c: Any) -> None:
        if isinstance(c, cmd.Note):
            self.emit(ev.Note(text=c.text, author=c.author, objective=c.objective))
        elif isinstance(c, cmd.Rate):
            self.emit(ev.ObjectiveRated(objective=c.objective, rating=c.rating, by=c.by,
                                        why=c.why))


def _as_step(c: Any) -> Any:
    """A player's move recorded by the controller, as the scenario step it stands for."""
    if isinstance(c, cmd.AssumeLead):
        return AssumeLead(assume_lead=c.incident)
    if isinstance(c, cmd.HandOff):
        return HandOff(handoff=HandOffSpec(incident=c.incident, to=c.to))
    if isinstance(c, cmd.Notify):
        return Notify(notify=c.to, incident=c.incident)
    if isinstance(c, cmd.Share):
        return Share(share=c.data, with_=c.to, incident=c.incident)
    if isinstance(c, cmd.Request):
        return Request(request=RequestSpec(action=c.action, by=c.by, incident=c.incident))
    if isinstance(c, cmd.Coordinate):
        return Coordinate(coordinate=CoordinateSpec(with_=c.with_, domain=c.domain,
                                                    incident=c.incident))
    return Act(act=c.action, incident=c.incident,
               after="coordinated" if c.after_coordinated else None)


# the events after which an incident (or those an agency leads) may gain or lose a lead gap
GAP_MAY_CHANGE_FOR_INCIDENT = frozenset({"zone_entered", "detected", "lead_assigned",
                                         "handoff_declined", "incident_left"})
GAP_MAY_CHANGE_FOR_AGENCY = frozenset({"agency_withdrawn", "agency_returned"})
