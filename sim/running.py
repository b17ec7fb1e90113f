"""What every part of a running `Exercise` stands on: the SimPy environment, the state
folded so far, the scenario's world, random streams, and how a part waits in sim time.

`Exercise` is built in one line of classes: `Running`, then what agencies do
(`sim.agencies`), then what the scenario does (`sim.scenery`, whose orders and decisions
set agencies to work), then the public API and the journal (`sim.engine`). One line, with
each part's attributes declared in its class, so that mypy checks every part and mypyc can
compile them: its native classes take a single base.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from typing import Any, TypeVar

import simpy
from simpy.events import NORMAL, EventPriority

from sim import events as ev
from sim import rules
from sim.scenario import Scenario
from sim.state import State

Process = Generator[simpy.Event, Any, Any]
Then = Callable[[], Any]
E = TypeVar("E", bound=ev.Event)
_LAST = EventPriority(NORMAL + 1)  # after all else due at the same instant


class Running:
    """The ground an `Exercise`'s parts share (set by `Exercise.__init__`)."""

    scenario: Scenario
    seed: int
    world: rules.World
    env: simpy.Environment
    state: State
    _streams: dict[str, random.Random]

    @property
    def now(self) -> float:
        """The sim time: SimPy's own `env._now`, behind its `env.now` property, which would
        cost a Python call each time (twice an event, compiled)."""
        return self.env._now

    @property
    def end_time(self) -> float:
        return self.scenario.clock.duration

    def stream(self, entity: str) -> random.Random:
        """The random stream of one entity: a choice elsewhere never shifts its draws."""
        rng = self._streams.get(entity)
        if rng is None:
            rng = self._streams[entity] = random.Random(f"{self.seed}:{entity}")
        return rng

    def emit(self, event: E) -> E:
        """Number, stamp and fold a fact (the `Exercise` does, and journals it)."""
        raise NotImplementedError

    def _after(self, minutes: float, then: Then) -> None:
        """`then` once `minutes` of sim time have passed: one SimPy step, no process."""
        if minutes < 0:
            raise ValueError(f"negative delay {minutes}")
        self.env.schedule(_Due(then), NORMAL, minutes)  # type: ignore[arg-type]

    def _at_end_of_instant(self, then: Then) -> None:
        """`then` once everything else due now has happened, and before anything later
        (SimPy orders the events of one instant by priority, then by when they were
        scheduled)."""
        self.env.schedule(_Due(then), _LAST)  # type: ignore[arg-type]


class _Due:
    """A callback SimPy runs at its time: all that `Environment.step` asks of an event (its
    `callbacks`, and `_ok` true, as a timeout has), though not a `simpy.Event` (hence the
    `type: ignore` where one is scheduled). Lighter than a `Timeout` carrying a
    callback, which cost a third more a step, and a year takes half a million of them."""

    __slots__ = ("callbacks", "then")
    callbacks: Any  # SimPy sets it to None once it has run them
    _ok = True

    def __init__(self, then: Then):
        self.callbacks, self.then = _CALL_THEN, then


def _call_then(due: _Due) -> None:
    due.then()


_CALL_THEN = (_call_then,)  # shared: SimPy only reads an event's callbacks, then drops them
