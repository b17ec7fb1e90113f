"""Objectives → met or not met, with the events that decided each (their `seq`).

An objective is a measure over the journal (FORMAT.md): `within` (the first `to` comes at
most `limit` after the first `from`), `never` (nothing matches), `before` (a `first`
event precedes the first `then`, or `then` never happens) — and, for runs long enough that
firsts and nevers say little, `count` (how many events match, within bounds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim import events as ev
from sim.scenario import Objective, Scenario
from sim.timeline import bounds_text, counted, tplus

COUNTED = ("never", "count")  # the measures every matching event counts for, not the first


@dataclass(frozen=True)
class Result:
    objective: Objective
    met: bool
    evidence: tuple[int, ...]  # seq of the events that decided it
    detail: str
    margin: float | None = None  # minutes to spare (within), when met


def first_matching(events: Sequence[ev.Event], event_filter: dict) -> ev.Event | None:
    """The first event that satisfies the filter, if any."""
    return next(ev.matching(events, event_filter), None)


def evaluate_one(objective: Objective, events: Sequence[ev.Event]) -> Result:
    """Score one objective against the events of a run."""
    if objective.within:
        w = objective.within
        start, end = first_matching(events, w.from_), first_matching(events, w.to)
        if start is None:
            return Result(objective, False, (), f"'{w.from_['event']}' never happened, so the "
                          "clock for this objective never started")
        if end is None:
            return Result(objective, False, (start.seq,),
                          f"'{w.to['event']}' never happened after {tplus(start.t)}")
        took = end.t - start.t
        return Result(objective, took <= w.limit, (start.seq, end.seq),
                      f"{took:.1f} min from {tplus(start.t)} to {tplus(end.t)} (limit "
                      f"{w.limit:g} min)", w.limit - took if took <= w.limit else None)
    if objective.never is not None:
        hits = tuple(e.seq for e in ev.matching(events, objective.never))
        detail = "never happened" if not hits else f"happened {counted(len(hits), 'time')}"
        return Result(objective, not hits, hits, detail)
    if objective.count is not None:
        c = objective.count
        hits = tuple(e.seq for e in ev.matching(events, c.of))
        return Result(objective, within_bounds(len(hits), c.at_least, c.at_most), hits,
                      f"happened {counted(len(hits), 'time')} "
                      f"({bounds_text(c.at_least, c.at_most)})")
    b = objective.before
    first, then = first_matching(events, b.first), first_matching(events, b.then)
    if then is None:
        return Result(objective, True, (first.seq,) if first else (),
                      f"'{b.then['event']}' never happened")
    if first is not None and first.seq < then.seq:
        return Result(objective, True, (first.seq, then.seq),
                      f"{tplus(first.t)} before {tplus(then.t)}")
    return Result(objective, False, (then.seq,) if first is None else (then.seq, first.seq),
                  f"'{b.then['event']}' at {tplus(then.t)} came first")


def within_bounds(count: int, at_least: int | None, at_most: int | None) -> bool:
    return (at_least is None or count >= at_least) and (at_most is None or count <= at_most)


def filters_of(objective: Objective) -> tuple[dict, ...]:
    """The event filters an objective's measure looks for, in the order it names them."""
    if objective.within is not None:
        return objective.within.from_, objective.within.to
    if objective.before is not None:
        return objective.before.first, objective.before.then
    if objective.count is not None:
        return (objective.count.of,)
    return (objective.never,)


def evaluate(scenario: Scenario, events: Sequence[ev.Event]) -> list[Result]:
    """Score every objective of the scenario, in file order."""
    return [evaluate_one(o, events) for o in scenario.objectives]
