"""Objectives so far: at a moment of an exercise, which are met, which not, which still open.

`sim.evaluate` scores the objectives of a finished run. An evaluator at the console, or a
reviewer at a review clock, asks earlier. An objective is decided as soon as nothing later
can change its verdict — a `never` event happened, a `within` clock ran out or its `to`
came, a `before` pair came in either order, a `count` went past its `at_most` (or reached
its `at_least`, when it has no `at_most`) — and open until then; once the exercise has
ended, every objective is decided as `sim.evaluate` decides it, with its words. Only the
first event of each filter decides (and every hit of a `never` or a `count`), so
`ObjectiveWatch` follows a year's events in one pass and answers for any moment of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice

from sim import events as ev
from sim.evaluate import COUNTED, evaluate_one, filters_of
from sim.scenario import Objective
from sim.timeline import bounds_text, filter_text, tplus

MET, NOT_MET, OPEN = "met", "not met", "open"


@dataclass(frozen=True)
class Progress:
    """Where one objective stands: its verdict so far, and why, in a phrase."""

    objective: Objective
    verdict: str  # MET, NOT_MET or OPEN
    detail: str


class ObjectiveWatch:
    """The events that decide each objective, gathered as the record grows."""

    def __init__(self, objectives: Sequence[Objective]):
        self.objectives = tuple(objectives)
        self._deciding: list[list[list[ev.Event]]] = []  # objective → filter → its events
        self._tests: dict[str, list[tuple[Callable[[ev.Event], bool], list[ev.Event], bool]]]
        self._tests = defaultdict(list)  # kind → (field test, where its events go, all of them)
        for objective in self.objectives:
            filters = filters_of(objective)
            found: list[list[ev.Event]] = [[] for _ in filters]
            self._deciding.append(found)
            for event_filter, into in zip(filters, found, strict=True):
                self._tests[event_filter["event"]].append(
                    (ev.fields_test(event_filter["event"], event_filter), into,
                     objective.measure in COUNTED))
        self._seen = 0

    def catch_up(self, events: Sequence[ev.Event]) -> None:
        """Look at the events not seen yet (a record only ever grows)."""
        tests = self._tests
        for event in islice(events, self._seen, None):
            for test, into, every in tests.get(event.kind, ()):
                if (every or not into) and test(event):
                    into.append(event)
        self._seen = max(self._seen, len(events))

    def at(self, seq: int, now: float, ended: bool) -> list[Progress]:
        """Each objective after the first `seq` events, at sim time `now`."""
        return [_progress(objective, [[e for e in found if e.seq <= seq] for found in deciding],
                          now, ended)
                for objective, deciding in zip(self.objectives, self._deciding, strict=True)]


def _progress(objective: Objective, found: list[list[ev.Event]], now: float,
              ended: bool) -> Progress:
    """The verdict once it cannot change (in `sim.evaluate`'s words), or why it is open."""
    if not ended:
        early = _so_far(objective, found, now)
        if early is not None:
            return early
    deciding = sorted({e.seq: e for events in found for e in events}.values(),
                      key=lambda e: e.seq)  # what evaluate finds first in the whole record
    result = evaluate_one(objective, deciding)
    return Progress(objective, MET if result.met else NOT_MET, result.detail)


def _so_far(objective: Objective, found: list[list[ev.Event]], now: float) -> Progress | None:
    """Where the objective stands at `now` when the finished run's evaluation does not say it
    yet: open (and why), or decided early (a `within` run out, a `before` whose first event
    came); None when the events so far decide it as `sim.evaluate` would (a `count` past its
    `at_most`, or at its `at_least` with no `at_most`)."""
    firsts = [events[0] if events else None for events in found]
    if objective.within is not None:
        start, end = firsts
        limit = objective.within.limit
        if start is None:
            return Progress(objective, OPEN, f"waiting for {filter_text(objective.within.from_)}")
        if end is None and now - start.t <= limit:
            return Progress(objective, OPEN, f"{start.t + limit - now:.0f} of {limit:g} min "
                                             f"left since {tplus(start.t)}")
        if end is None:
            return Progress(objective, NOT_MET, f"ran out at {tplus(start.t + limit)}: no "
                                                f"{filter_text(objective.within.to)} within "
                                                f"{limit:g} min")
        return None
    if objective.never is not None:
        return None if firsts[0] else Progress(
            objective, OPEN, f"none so far: {filter_text(objective.never)}")
    if objective.count is not None:
        c, so_far = objective.count, len(found[0])
        decided = (so_far > c.at_most if c.at_most is not None else so_far >= c.at_least)
        return None if decided else Progress(
            objective, OPEN, f"{so_far} so far ({bounds_text(c.at_least, c.at_most)}): "
                             f"{filter_text(c.of)}")
    first, then = firsts
    if then is None and first is None:
        return Progress(objective, OPEN, f"waiting for {filter_text(objective.before.first)} "
                                         f"or {filter_text(objective.before.then)}")
    if then is None:
        return Progress(objective, MET, f"at {tplus(first.t)}: "
                                        f"{filter_text(objective.before.first)}, before any "
                                        f"{filter_text(objective.before.then)}")
    return None
