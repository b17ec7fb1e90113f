"""Every scenario in the library, and the shared reference, runs to the end with seeds 1–20:
no exceptions, `exercise_ended` last, every objective evaluated. Decisions rotate through
their options from seed to seed, so each option of each decision is played somewhere.
Exercises (hours long) also run every variant they declare with every seed; analysis
scenarios (a year of incidents, seconds per run) run each variant with one seed."""

from __future__ import annotations

import pytest
from library_support import ANALYSES, EXERCISES, scenario_at

from sim.engine import Exercise
from sim.evaluate import evaluate
from sim.headless import play_out, policy_for
from sim.loader import load_scenario
from sim.scenario import Scenario
from sim.state import State

SEEDS = range(1, 21)


def rotating_choices(scenario: Scenario, seed: int) -> dict[str, str]:
    """For each decision, its default or one of its options, shifting with the seed."""
    choices = {}
    for n, decision in enumerate(scenario.decisions):
        options = [None, *(o.id for o in decision.options)]
        if (option := options[(seed + n) % len(options)]) is not None:
            choices[decision.id] = option
    return choices


def check_run(scenario: Scenario, seed: int) -> None:
    """Run to the end and check the log is whole and every objective has a result."""
    events = play_out(Exercise(scenario, seed),
                      policy_for(scenario, seed, rotating_choices(scenario, seed)))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.t <= b.t for a, b in zip(events, events[1:], strict=False))
    assert events[0].kind == "exercise_started" and events[-1].kind == "exercise_ended"
    assert events[-1].t <= scenario.clock.duration
    assert State.of(events).ended
    results = evaluate(scenario, events)
    assert [r.objective.id for r in results] == [o.id for o in scenario.objectives]
    assert all(1 <= seq <= len(events) for r in results for seq in r.evidence)


def check_seeds(path, variants: list[str | None], seeds) -> None:
    """Play each variant of the scenario in a file with each seed, naming the one that fails."""
    for variant in variants:
        scenario = scenario_at(path) if variant is None else load_scenario(str(path), variant)
        for seed in seeds:
            try:
                check_run(scenario, seed)
            except Exception as error:
                raise AssertionError(f"{path.name} variant={variant} seed={seed}") from error


@pytest.mark.parametrize("path", EXERCISES, ids=lambda path: path.stem)
def test_exercise_runs_to_the_end_with_seeds_1_to_20(path):
    """The exercise and each of its variants play out twenty seeds without a hitch."""
    check_seeds(path, [None, *(v.id for v in scenario_at(path).variants)], SEEDS)


@pytest.mark.parametrize("path", ANALYSES, ids=lambda path: path.stem)
def test_analysis_scenario_runs_to_the_end_with_seeds_1_to_20(path):
    """A year-long scenario plays out twenty seeds, and each variant one, without a hitch."""
    check_seeds(path, [None], SEEDS)
    check_seeds(path, [v.id for v in scenario_at(path).variants], SEEDS[:1])
