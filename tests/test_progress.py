"""Objectives so far: decided as soon as nothing later can change them, and then exactly as
`sim.evaluate` scores the finished run; open, with the reason, until then."""

from __future__ import annotations

import pytest
from conftest import run, world
from library_support import ANALYSES, EXERCISES, scenario_at
from test_scenarios_run import rotating_choices

from sim import commands as cmd
from sim.engine import Exercise
from sim.evaluate import evaluate
from sim.headless import play_out, policy_for
from sim.loader import load_scenario_text
from sim.progress import MET, NOT_MET, OPEN, ObjectiveWatch

# c1 is detected at 5m and led by bp from 7m (bp's order); O-1 wants a lead within 10
# minutes of detection, O-2 a lead within 1 minute, O-3 no violation, O-4 the partner told
# before c1 enters town (nobody tells it: town at 40m decides it), O-5 the strip before town.
OBJECTIVES = """
orders:
  - {id: bp-leads, agency: bp, when: {event: detected}, do: [assume_lead]}
objectives:
  - {id: O-1, text: Lead soon., within: {from: {event: detected}, to: {event: lead_assigned}, limit: 10m}}
  - {id: O-2, text: Lead at once., within: {from: {event: detected}, to: {event: lead_assigned}, limit: 1m}}
  - {id: O-3, text: No violation., never: {event: violation}}
  - {id: O-4, text: Tell the partner first., before: {first: {event: notified}, then: {event: zone_entered, zone: town}}}
  - {id: O-5, text: Strip before town., before: {first: {event: zone_entered, zone: strip}, then: {event: zone_entered, zone: town}}}
"""


def standing(text: str, moves: tuple = ()) -> tuple[list, ObjectiveWatch]:
    events = run(text, moves=moves)
    watch = ObjectiveWatch(load_scenario_text(text, "story.yaml").objectives)
    watch.catch_up(events)
    return events, watch


def verdicts(watch: ObjectiveWatch, events: list, t: float) -> dict[str, tuple[str, str]]:
    """Each objective's verdict and detail after the events up to sim time t."""
    seq = max((e.seq for e in events if e.t <= t), default=0)
    return {p.objective.id: (p.verdict, p.detail) for p in watch.at(seq, t, ended=False)}


def test_each_measure_is_open_until_it_is_decided():
    """Before detection the `within`s wait; between 5m and 7m they count down and the
    one-minute one runs out at 6m; the strip at 20m decides O-5 at once."""
    events, watch = standing(world(OBJECTIVES))
    assert verdicts(watch, events, 2.0) == {
        "O-1": (OPEN, "waiting for 'detected'"), "O-2": (OPEN, "waiting for 'detected'"),
        "O-3": (OPEN, "none so far: 'violation'"),
        "O-4": (OPEN, "waiting for 'notified' or 'zone_entered' (zone town)"),
        "O-5": (OPEN, "waiting for 'zone_entered' (zone strip) or 'zone_entered' (zone town)")}
    at_5m30 = verdicts(watch, events, 5.5)
    assert at_5m30["O-1"] == (OPEN, "10 of 10 min left since T+5m")
    assert at_5m30["O-2"] == (OPEN, "0 of 1 min left since T+5m")
    assert verdicts(watch, events, 6.5)["O-2"] == (
        NOT_MET, "ran out at T+6m: no 'lead_assigned' within 1 min")
    at_20m = verdicts(watch, events, 20.0)
    assert at_20m["O-1"] == (MET, "2.0 min from T+5m to T+7m (limit 10 min)")
    assert at_20m["O-5"] == (
        MET, "at T+20m: 'zone_entered' (zone strip), before any 'zone_entered' (zone town)")
    assert at_20m["O-3"][0] == OPEN and at_20m["O-4"][0] == OPEN
    assert verdicts(watch, events, 40.0)["O-4"] == (
        NOT_MET, "'zone_entered' at T+40m came first")


def test_a_never_is_broken_by_its_first_event_and_counts_the_rest():
    """bp acts across the line at 10m (no jurisdiction there): O-3 is not met from then on."""
    act = cmd.Act(agency="bp", action="disrupt", incident="c1")
    events, watch = standing(world(OBJECTIVES), moves=((8.0, act),))
    broken = [e for e in events if e.kind == "violation"]
    assert broken and verdicts(watch, events, broken[0].t - 0.01)["O-3"][0] == OPEN
    assert [e.rule for e in broken if e.t == broken[0].t] == ["authority", "jurisdiction"]
    assert verdicts(watch, events, broken[0].t)["O-3"] == (NOT_MET, "happened 2 times")


def test_at_the_end_every_objective_is_decided_in_the_words_of_the_aar():
    """After `exercise_ended`, open objectives close as the evaluation of the run says."""
    events, watch = standing(world(OBJECTIVES))
    final = {p.objective.id: (p.verdict, p.detail)
             for p in watch.at(events[-1].seq, events[-1].t, ended=True)}
    scored = evaluate(load_scenario_text(world(OBJECTIVES), "story.yaml"), events)
    assert final == {r.objective.id: (MET if r.met else NOT_MET, r.detail) for r in scored}
    assert final["O-3"] == (MET, "never happened")  # open to the last event, met at the end


@pytest.mark.parametrize("path", EXERCISES + ANALYSES, ids=lambda p: p.stem)
def test_a_decided_objective_never_changes_its_verdict(path):
    """Over every bundled scenario, watched as its record grows in steps: whatever is decided
    at a moment is what the finished run's evaluation says, and at the end all agree."""
    scenario = scenario_at(path)
    events = play_out(Exercise(scenario, 3),
                      policy_for(scenario, 3, rotating_choices(scenario, 3)))
    truth = {r.objective.id: (MET if r.met else NOT_MET, r.detail)
             for r in evaluate(scenario, events)}
    watch = ObjectiveWatch(scenario.objectives)
    step = max(1, len(events) // 40)
    for stop in range(step, len(events) + step, step):
        watch.catch_up(events[:stop])
        moment = events[min(stop, len(events)) - 1]
        for p in watch.at(moment.seq, moment.t, ended=False):
            assert p.verdict in (OPEN, truth[p.objective.id][0]), (p, moment)
    ended = watch.at(events[-1].seq, events[-1].t, ended=True)
    assert {p.objective.id: (p.verdict, p.detail) for p in ended} == truth
