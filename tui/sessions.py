"""What the console drives: a live exercise (`LiveSession`) or a journal under review
(`ReviewSession`).

Both hand the screens the same three things — the scenario, the record of events so far
and the `State` to show at the console's clock — so every widget works in both modes.
Neither touches Textual: a live run only calls the engine's public API (`submit`,
`advance_to`, `step`), and a review only folds the journal's events (and finds in them the
decision a fork would start from).
"""

from __future__ import annotations

import bisect
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sim import commands as cmd
from sim import events as ev
from sim import session
from sim.collector import collector_paused
from sim.engine import Accepted, Exercise, Refused
from sim.errors import TabletopError
from sim.inbox import Inbox, Sent, inbox_path, not_the_cells
from sim.journal import Journal, ran_as
from sim.loader import load_scenario
from sim.scenario import Scenario
from sim.state import State, instance_key
from sim.variants import Setting, run_label
from sim.yamlsource import read_text

TICK_BUDGET = 1000  # engine steps per clock tick: the screen repaints between batches
CHECKPOINTS = 16  # states a review keeps to go back in time from…
MIN_CHECKPOINT_EVERY = 2000  # …at least this many events apart
LANDMARKS = ("decision_opened", "decision_made", "violation")
DECISION_EVENTS = (ev.DecisionOpened, ev.DecisionMade)


class ConsoleProblem(TabletopError):
    """A console opened with arguments that do not fit together."""


def default_journal_name(scenario_path: str, now: datetime | None = None) -> str:
    """`<scenario-id>-<UTC timestamp>.tabletop.sqlite`, so no exercise goes unjournaled."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{load_scenario(scenario_path).id}-{stamp}.tabletop.sqlite"


class LiveSession:
    """An exercise being played: the engine, every event so far, and where it is journaled."""

    mode = "live"

    def __init__(self, exercise: Exercise, events: list[ev.Event], journal_path: str | None,
                 scratch: tempfile.TemporaryDirectory | None = None):
        exercise.flush()
        self.exercise = exercise
        self.events = events
        self.journal_path = journal_path
        self._scratch = scratch
        self.inbox: Inbox | None = None  # opened once a seat has made it (`tabletop seat`)
        self._cells = {d.id: d.cell for d in exercise.scenario.decisions}

    def seat_requests(self) -> list[tuple[Sent, cmd.Command | Refused]]:
        """What waits in the seats' inbox (`tabletop seat`), each as the command to submit
        — or refused at once, when it is not the cell's to give."""
        if self.inbox is None:
            if not (self.journal_path and os.path.exists(inbox_path(self.journal_path))):
                return []  # no seat in the room: no inbox beside the journal
            self.inbox = Inbox(self.journal_path)
        asked: list[tuple[Sent, cmd.Command | Refused]] = []
        for sent in self.inbox.waiting():
            reason = not_the_cells(sent.command, sent.cells, self._cells)
            asked.append((sent, sent.command if reason is None else Refused(reason)))
        return asked

    def answer_seat(self, sent: Sent, result: Accepted | Refused) -> None:
        """Tell the seat what became of what it sent: journaled at T+…, or refused and
        why."""
        if self.inbox is not None:
            self.inbox.answer(sent.n, self.clock,
                              result.reason if isinstance(result, Refused) else None)

    @property
    def scenario(self) -> Scenario:
        return self.exercise.scenario

    @property
    def variant(self) -> str:
        """The policy it is played under ('' for the scenario as written)."""
        return ran_as(self.exercise.journal.meta)

    @property
    def state(self) -> State:
        return self.exercise.state

    @property
    def clock(self) -> float:
        return self.exercise.clock

    @property
    def end_time(self) -> float:
        return self.exercise.end_time

    def advance_to(self, t: float) -> list[ev.Event]:
        """Advance toward `t` by at most one tick's budget of engine steps."""
        return self._record(self.exercise.advance_to(t, budget=TICK_BUDGET))

    def step(self) -> list[ev.Event]:
        """Advance to the next moment something happens."""
        return self._record(self.exercise.step())

    def flush_when_due(self) -> list[ev.Event]:
        """Write the events and clock the journal lacks, if it is time to (no new events)."""
        self.exercise.flush_when_due()
        return []

    def submit(self, command: object, seat: str | None = None) -> Accepted | Refused:
        """Send a command (from a player cells' `seat`, or the console's); it is on disk
        before this returns."""
        result = self.exercise.submit(command, seat)
        if isinstance(result, Accepted):
            self._record(result.events)
        return result

    def close(self) -> None:
        """Write what the journal is missing and let go of the file."""
        if self.inbox is not None:
            self.inbox.close()
            self.inbox = None
        if self.exercise.journal is not None:
            self.exercise.flush()
            self.exercise.journal.close()
            self.exercise.journal = None
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def _record(self, fresh: list[ev.Event]) -> list[ev.Event]:
        """Keep the new events in the record the log reads."""
        self.events.extend(fresh)
        return fresh


def open_live(scenario_path: str | None, journal_path: str | None, seed: int | None,
              variant: str | None = None, settings: Sequence[Setting] = ()) -> LiveSession:
    """Start a new exercise (the scenario, or its `variant`, with `settings` put in), or
    reopen the journal where it stopped when the file exists.

    Without a journal path the run is a practice run, journaled in a scratch folder that
    is deleted on exit."""
    if scenario_path is None and journal_path is None:
        raise ConsoleProblem("name a scenario to start an exercise, or --journal FILE to "
                             "reopen one")
    scratch = None
    if journal_path is None:
        scratch = tempfile.TemporaryDirectory(prefix="tabletop-practice-")
        path = os.path.join(scratch.name, "practice.tabletop.sqlite")
    else:
        path = journal_path
    events: list[ev.Event] = []
    if os.path.exists(path) or scenario_path is None:
        text = read_text(scenario_path) if scenario_path else None
        exercise = session.resume(path, text, events)
        if seed is not None and seed != exercise.seed:
            exercise.journal.close()
            raise ConsoleProblem(f"{path} was played with seed {exercise.seed}, not {seed} — "
                                 "leave out --seed to reopen it, or start a new journal")
        asked = run_label(variant, settings)
        if asked and asked != ran_as(exercise.journal.meta):
            was = ran_as(exercise.journal.meta) or "the scenario as written"
            exercise.journal.close()
            raise ConsoleProblem(f"{path} was played as {was}, not {asked} — leave out "
                                 "--variant and --set to reopen it, or start a new journal")
    else:
        exercise = session.start(read_text(scenario_path), scenario_path,
                                 1 if seed is None else seed, path, variant, events, settings)
    return LiveSession(exercise, events, journal_path, scratch)


@dataclass(frozen=True)
class DecisionPoint:
    """One decision instance in a journal: where it opened and what became of it."""

    opened: ev.DecisionOpened
    made: ev.DecisionMade | None  # None: still open when the journal stops

    @property
    def key(self) -> str:
        """The instance key a fork takes (`D-1`, or `D-2@watcher` for one per incident)."""
        return instance_key(self.opened.decision, self.opened.incident)


class ReviewSession:
    """A finished (or interrupted) exercise read back from its journal, shown at any time."""

    mode = "review"

    def __init__(self, journal_path: str):
        journal = Journal.open(journal_path, readonly=True)
        try:
            self.scenario = journal.scenario()
            self.variant = ran_as(journal.meta)
            self.events: list[ev.Event] = journal.events()
            reached = journal.clock
        finally:
            journal.close()
        self.journal_path = journal_path
        self.ended = any(e.kind == "exercise_ended" for e in self.events)  # by the journal's end
        self.end_time = max([reached] + [e.t for e in self.events[-1:]])
        self._times = [e.t for e in self.events]
        self.landmarks = [e for e in self.events if e.kind in LANDMARKS]
        self._decision_events = [e for e in self.landmarks if isinstance(e, DECISION_EVENTS)]
        self._decision_seqs = [e.seq for e in self._decision_events]
        self.state = State()
        # the state after every `_every` events, kept to go back in time from the nearest
        # one instead of refolding from the start (a tenth of a second on 100,000 events): at most
        # CHECKPOINTS copies of the state, whatever the journal's length
        self._every = max(MIN_CHECKPOINT_EVERY, math.ceil(len(self.events) / CHECKPOINTS))
        self._checkpoints = [State()]
        self.clock = 0.0
        self.seek(self.end_time)

    def seek(self, t: float) -> None:
        """Show the exercise as it was at sim time `t` (every event at or before it)."""
        t = min(max(t, 0.0), self.end_time)
        shown = bisect.bisect_right(self._times, t)
        with collector_paused():  # neither copies nor the fold make cycles: `sim.collector`
            if shown < self.state.seq:
                self.state = self._checkpoints[shown // self._every].copy()
            for event in self.events[self.state.seq:shown]:
                self.state.apply(event)
                if self.state.seq == len(self._checkpoints) * self._every:
                    self._checkpoints.append(self.state.copy())
        self.clock = t

    def neighbour(self, direction: int, kinds: tuple[str, ...] | None = None) -> float | None:
        """The time of the nearest event after (direction 1) or before (-1) the clock,
        among landmarks of `kinds` when given; None when there is none."""
        times = self._times if kinds is None else [e.t for e in self.landmarks
                                                   if e.kind in kinds]
        if direction > 0:
            at = bisect.bisect_right(times, self.clock)
            return times[at] if at < len(times) else None
        at = bisect.bisect_left(times, self.clock)
        return times[at - 1] if at > 0 else None

    def decision_at(self, seq: int) -> DecisionPoint | None:
        """The decision a fork in review starts from: that of the latest decision event
        (opened or made) numbered `seq` or before; None before the first decision opens."""
        at = bisect.bisect_right(self._decision_seqs, seq)
        if at == 0:
            return None
        latest = self._decision_events[at - 1]
        key = instance_key(latest.decision, latest.incident)
        same = [e for e in self._decision_events if instance_key(e.decision, e.incident) == key]
        return DecisionPoint(next(e for e in same if isinstance(e, ev.DecisionOpened)),
                             next((e for e in same if isinstance(e, ev.DecisionMade)), None))

    def close(self) -> None:
        """Nothing to write: a review never changes the journal."""
