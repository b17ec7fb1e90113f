"""Running an exercise without a console: a policy plays the decisions.

The policy answers each decision as it opens; its answers enter through
`Exercise.submit` like a person's, so headless runs are journaled and replayable."""

from __future__ import annotations

import math
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from sim import commands as cmd
from sim import events as ev
from sim.collector import collector_paused
from sim.engine import WRITE_BATCH, Exercise
from sim.randomness import fixed_uniforms
from sim.references import unknown
from sim.scenario import Scenario
from sim.state import instance_key

Policy = Callable[[ev.DecisionOpened], str | None]


def choice_problem(scenario: Scenario, decision_id: str, option: str) -> str | None:
    """What is wrong with taking `option` at `decision_id` (an unknown decision or option),
    or None: a bad choice must be refused, never silently left to the default."""
    decision = next((d for d in scenario.decisions if d.id == decision_id), None)
    if decision is None:
        return unknown("decision", decision_id, [d.id for d in scenario.decisions])
    if decision.option(option) is None:
        return unknown("option", option, [o.id for o in decision.options])
    return None


def fixed_choices(choices: dict[str, str]) -> Policy:
    """A policy that takes the given option for the named decisions, the default otherwise."""
    return lambda opened: choices.get(opened.decision)


def policy_for(scenario: Scenario, seed: int, choices: dict[str, str] | None = None) -> Policy:
    """The scenario's `policy` (a fixed option or weights per decision) with `choices` on
    top. A weighted pick draws from its own stream per decision instance, so it does not
    depend on what else happened, nor on whether the run was resumed."""
    table: dict[str, str | dict[str, float]] = {**scenario.policy, **(choices or {})}
    weighted = {decision: (list(choice), list(accumulate(choice.values())))
                for decision, choice in table.items() if isinstance(choice, dict)}
    uniform = fixed_uniforms(seed, "policy")

    def choose(opened: ev.DecisionOpened) -> str | None:
        choice = table.get(opened.decision)
        if choice is None or isinstance(choice, str):
            return choice
        options, weights = weighted[opened.decision]
        u = uniform(instance_key(opened.decision, opened.incident))
        return options[bisect(weights, u * weights[-1])]

    return choose


def play_out(exercise: Exercise, policy: Policy | None = None,
             until: float = math.inf) -> list[ev.Event]:
    """Run to `until` (or the end), the policy taking each decision at the end of the
    instant it opens in, as a player would (`Exercise.policy_answers`). Returns the new
    events."""
    with collector_paused():  # a run makes no reference cycles: see `collector_paused`
        exercise.policy = policy
        try:
            produced: list[ev.Event] = []
            for opened in list(exercise.state.open_decisions.values()):  # open on resuming
                option = policy(opened) if policy else None
                if option is not None:
                    result = exercise.submit(cmd.policy_choice(opened, option))
                    produced += getattr(result, "events", [])
            while not exercise.state.ended and exercise.clock < until:  # in slices, so
                # that the journal is written as the run goes (`Exercise._flush`)
                produced += exercise.advance_to(until, budget=WRITE_BATCH)
        finally:
            exercise.policy = None
    exercise.flush()
    return produced
