"""Determinism: the same scenario, seed and choices give the same events byte for byte, in
any process; and common random numbers: another option in one decision leaves the draws of
unrelated agencies and channels, and so the times of their events, unchanged."""

from __future__ import annotations

import os

import pytest
from cli_support import tabletop
from conftest import LIBRARY, SHARED_EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from library_support import EXERCISES, scenario_at

from sim import events as ev
from sim.engine import Exercise
from sim.headless import fixed_choices, play_out, policy_for
from sim.loader import load_scenario_text
from sim.scenario import Scenario

needs_reference = pytest.mark.skipif(not SHARED_EXAMPLE.exists(),
                                     reason="the shared reference scenario is not checked out")


def every_last_option(scenario: Scenario) -> list[str]:
    """`--decide` arguments taking each decision's last option (rarely its default)."""
    return [f"--decide={d.id}={d.options[-1].id}" for d in scenario.decisions]


def exported_run(folder, scenario_path, seed: int, decide: list[str], hash_seed: str) -> str:
    """Run in a fresh process (with its own string-hash salt) and export the journal."""
    path = folder / f"run-{hash_seed}.sqlite"
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    ran = tabletop("run", scenario_path, "--seed", seed, "--journal", path, *decide,
                   env=environment)
    assert ran.returncode == 0, ran.stderr
    exported = tabletop("export", path, "--jsonl", env=environment)
    assert exported.returncode == 0, exported.stderr
    return exported.stdout


@pytest.mark.parametrize("scenario_path", [
    pytest.param(SHARED_EXAMPLE, id="river-watch", marks=needs_reference),
    *[pytest.param(path, id=path.stem) for path in LIBRARY if path in EXERCISES][:1],
])
def test_export_is_byte_identical_across_processes(tmp_path, scenario_path):
    """Two processes with different hash salts, same seed and choices: the same JSONL bytes."""
    decide = every_last_option(scenario_at(scenario_path))
    first = exported_run(tmp_path, scenario_path, 11, decide, hash_seed="1")
    second = exported_run(tmp_path, scenario_path, 11, decide, hash_seed="2")
    assert first == second
    lines = first.splitlines()
    assert '"kind":"decision_made"' in first and lines[-1].startswith('{"kind":"exercise_ended"')


@st.composite
def runs(draw):
    """A bundled exercise, a seed, and for each decision an option or its default."""
    scenario = scenario_at(draw(st.sampled_from(EXERCISES)))
    choices = {d.id: option for d in scenario.decisions
               if (option := draw(st.sampled_from([None, *(o.id for o in d.options)])))}
    return scenario, draw(st.integers(0, 2**32)), choices


def played(scenario: Scenario, seed: int, choices: dict[str, str]) -> list[ev.Event]:
    return play_out(Exercise(scenario, seed), policy_for(scenario, seed, choices))


@pytest.mark.skipif(not EXERCISES, reason="no exercise in the library yet")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_same_seed_and_choices_give_the_same_events(run):
    """For any bundled exercise, seed and choices, two runs give equal events, encoded alike."""
    scenario, seed, choices = run
    first, second = played(scenario, seed, choices), played(scenario, seed, choices)
    assert first == second
    assert [ev.encode(e) for e in first] == [ev.encode(e) for e in second]
    assert first[-1].kind == "exercise_ended"


# Two rivers, two sectors: nothing connects north and south, so what the north decides must
# not move any draw in the south. Every latency is random, and the north's options draw
# different numbers of values early on, so one shared stream would shift the south's times.
TWO_RIVERS = """\
tabletop: 1
id: two-rivers
title: Two rivers, two sectors
clock: {start: "06:00", duration: 3h}
actions:
  - {id: observe, remote: true}
  - {id: warn}
zones:
  - {id: north-bank, kind: strip, jurisdiction: [north-police, north-guard]}
  - {id: south-bank, kind: strip, jurisdiction: [south-police, south-guard]}
authorities:
  - {id: watch, allows: [observe, warn], in: [strip]}
agencies:
  - {id: north-police, authorities: [watch], capacity: 2, respond: {median: 4m, p90: 12m}}
  - {id: north-guard, authorities: [watch], capacity: 2, respond: {median: 6m, p90: 20m}}
  - {id: south-police, authorities: [watch], capacity: 2, respond: {median: 5m, p90: 15m}}
  - {id: south-guard, authorities: [watch], capacity: 2, respond: {min: 2m, mode: 5m, max: 30m}}
channels:
  - {between: [north-police, north-guard], latency: {median: 3m, p90: 9m}}
  - {between: [south-police, south-guard], latency: {median: 3m, p90: 9m}}
incidents:
  - {id: north-contact, path: [{zone: north-bank, at: 5m}], leaves: 2h, detected_by: north-police}
  - {id: south-contact, path: [{zone: south-bank, at: 5m}], leaves: 2h, detected_by: south-police}
decisions:
  - id: D-north
    at: 6m
    cell: north-police
    prompt: A contact over the north bank. Who leads?
    options:
      - {id: lead, text: Lead it., do: [{assume_lead: north-contact}]}
      - id: lead-and-warn
        text: Lead, tell the guard, and warn the operator.
        do:
          - {assume_lead: north-contact}
          - {notify: north-guard, incident: north-contact}
          - {act: warn, incident: north-contact}
      - id: hand-over
        text: Hand it to the guard and ask it to warn.
        do:
          - {handoff: {incident: north-contact, to: north-guard}}
          - {request: {action: warn, by: north-guard, incident: north-contact}}
    default: lead
    deadline: 10m
  - id: D-south
    at: 6m
    cell: south-police
    prompt: A contact over the south bank. Who leads?
    options:
      - id: lead-then-hand-over
        text: Lead, then hand it to the guard, which keeps watching.
        do:
          - {assume_lead: south-contact}
          - {handoff: {incident: south-contact, to: south-guard}}
          - {notify: south-guard, incident: south-contact}
          - {request: {action: observe, by: south-guard, incident: south-contact}}
    default: lead-then-hand-over
    deadline: 10m
"""


def concerning(events: list[ev.Event], side: str) -> list[tuple]:
    """The events that mention one side's agencies, incident or decision, without their seq."""
    return [(e.kind, e.t, sorted(ev.fields_of(e).items())) for e in events
            if any(side in str(value) for value in ev.fields_of(e).values())]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_choice_in_the_north_leaves_the_south_untouched(seed):
    """Whatever the north decides, every event of the south happens at the same time."""
    scenario = load_scenario_text(TWO_RIVERS, "two-rivers.yaml")
    runs = {option.id: play_out(Exercise(scenario, seed), fixed_choices({"D-north": option.id}))
            for option in scenario.decisions[0].options}
    north = {option: concerning(events, "north") for option, events in runs.items()}
    south = {option: concerning(events, "south") for option, events in runs.items()}
    assert len({repr(events) for events in north.values()}) == 3, "the choice changed the north"
    assert south["lead-and-warn"] == south["lead"] == south["hand-over"]
    kinds = {kind for kind, _, _ in south["lead"]}
    assert {"lead_assigned", "handoff_accepted", "notified", "action_taken"} <= kinds
    assert any(t != int(t) for _, t, _ in south["lead"]), "the south's latencies are drawn"
