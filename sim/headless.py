"""Running an exercise without a console: a policy plays the decisions.

The policy answers each decision as it opens; its answers enter through
`Exercise.submit` like a person's, so headless runs are journaled and replayable."""

from __future__ import annotations

import math
from collections.abc import Callable

from sim import commands as cmd
from sim import events as ev
from sim.engine import Exercise

Policy = Callable[[ev.DecisionOpened], str | None]


def fixed_choices(choices: dict[str, str]) -> Policy:
    """A policy that takes the given option for the named decisions, the default otherwise."""
    return lambda opened: choices.get(opened.decision)


def play_out(exercise: Exercise, policy: Policy | None = None,
             until: float = math.inf) -> list[ev.Event]:
    """Advance one instant at a time to `until` (or the end), letting the policy decide
    each decision the moment it opens. Returns the new events."""
    produced: list[ev.Event] = []
    pending = [e for e in exercise.state.open_decisions.values()]
    while True:
        for opened in pending:
            option = policy(opened) if policy else None
            if option is not None:
                result = exercise.submit(cmd.Decide(decision=opened.decision, option=option,
                                                    by="policy"))
                produced += getattr(result, "events", [])
        at = exercise.next_event_time
        if at is None or at > until:
            break
        fresh = exercise.advance_to(at)
        produced += fresh
        pending = [e for e in fresh if isinstance(e, ev.DecisionOpened)]
    if not exercise.state.ended and until < math.inf:
        produced += exercise.advance_to(until)
    exercise.flush()
    return produced
