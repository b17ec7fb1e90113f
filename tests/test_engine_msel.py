"""The MSEL fires (at a time, on an event, or by the controller's hand) and decisions open,
wait for a player, and fall back to their default at the deadline."""

import pytest
from conftest import having, run, world
from pydantic import ValidationError

from sim import commands as cmd
from sim.engine import Exercise, Refused
from sim.loader import load_scenario_text
from sim.refusals import choice_refusal, refusal
from sim.timeline import describe

MSEL = """
injects:
  - {id: M-1, at: 10m, to: bp, text: Agents report a light over the river.}
  - id: M-2
    when: {event: zone_entered, incident: c1, zone: town}
    delay: 5m
    to: [faa, sheriff]
    text: An air ambulance asks to cross the town.
    effects: [{traffic: {zone: town, for: 30m}}]
  - {id: M-3, to: bp, text: Held for the controller.}
decisions:
  - id: D-1
    at: 8m
    cell: bp
    prompt: Lead or watch?
    options:
      - {id: lead, text: Take the lead., do: [{assume_lead: c1}]}
      - {id: watch, text: Keep watching.}
    default: watch
    deadline: 10m
"""


def test_inject_fires_at_its_time_and_on_its_trigger_after_the_delay():
    """M-1 at 10 minutes; M-2 five minutes after the contact enters town, to both cells."""
    events = run(world(MSEL))
    delivered = [(e.inject, e.t, e.to) for e in having(events, "inject_delivered")]
    assert delivered == [("M-1", 10.0, ("bp",)), ("M-2", 45.0, ("faa", "sheriff"))]
    assert [(e.kind, e.t) for e in events if e.kind.startswith("traffic")] == [
        ("traffic_started", 45.0), ("traffic_ended", 75.0)]


def test_held_inject_fires_only_when_the_controller_fires_it():
    """M-3 has neither `at` nor `when`: it is delivered at the moment the controller says."""
    events = run(world(MSEL), moves=[(33.0, cmd.FireInject(inject="M-3"))])
    assert [e.t for e in having(events, "inject_delivered", inject="M-3")] == [33.0]


def test_inject_fired_early_is_not_delivered_again():
    """Firing M-1 at 2 minutes means it does not fire again at 10."""
    events = run(world(MSEL), moves=[(2.0, cmd.FireInject(inject="M-1"))])
    assert [e.t for e in having(events, "inject_delivered", inject="M-1")] == [2.0]


def test_held_inject_does_not_fire_by_itself_but_can_still_be_fired_by_hand():
    """The controller holds M-1 (timed, saying why) and M-2 (triggered): neither fires on
    its own, nor does M-2's traffic start; M-1 fired by hand at 50 minutes is delivered
    then. The timeline gives the reason where there is one."""
    events = run(world(MSEL), moves=[
        (3.0, cmd.HoldInject(inject="M-1", why="the players saw the light already")),
        (4.0, cmd.HoldInject(inject="M-2")),
        (50.0, cmd.FireInject(inject="M-1"))])
    assert [(e.inject, e.t) for e in having(events, "inject_held")] == [
        ("M-1", 3.0), ("M-2", 4.0)]
    assert [(e.inject, e.t) for e in having(events, "inject_delivered")] == [("M-1", 50.0)]
    assert not having(events, "traffic_started")
    assert [describe(e) for e in having(events, "inject_held")] == [
        "Inject M-1 held by the controller: it will not fire by itself — the players saw the "
        "light already",
        "Inject M-2 held by the controller: it will not fire by itself"]


def test_holding_what_cannot_be_held_is_refused_with_the_reason():
    """Holding an unknown inject, one delivered, one held already, or a contingency inject
    (which waits for the controller anyway) is refused, saying why."""
    exercise = Exercise(load_scenario_text(world(MSEL), "story.yaml"), 1)
    exercise.advance_to(12.0)
    said = {inject: exercise.submit(cmd.HoldInject(inject=inject)) for inject in
            ("M-9", "M-1", "M-3")}
    assert "unknown inject 'M-9'" in said["M-9"].reason
    assert said["M-1"].reason == "inject M-1 was already delivered at T+10m"
    assert said["M-3"].reason == "inject M-3 is a contingency inject: it waits for you already"
    assert not isinstance(exercise.submit(cmd.HoldInject(inject="M-2")), Refused)
    again = exercise.submit(cmd.HoldInject(inject="M-2"))
    assert again.reason == "inject M-2 is already held (since T+12m)"
    assert exercise.state.held.keys() == {"M-2"}


def test_a_released_inject_fires_at_its_time_or_at_once_if_its_time_came_while_held():
    """M-1 (due at 10m) is held at 3m and released at 6m: it fires at 10m, as scheduled.
    M-2 (due at 45m, five minutes after the contact enters town) is held at 4m and released
    at 52m: its time came while it was held, so it fires on release, traffic and all."""
    events = run(world(MSEL), moves=[
        (3.0, cmd.HoldInject(inject="M-1")),
        (4.0, cmd.HoldInject(inject="M-2")),
        (6.0, cmd.ReleaseInject(inject="M-1")),
        (52.0, cmd.ReleaseInject(inject="M-2"))])
    assert [(e.inject, e.t) for e in having(events, "inject_released")] == [
        ("M-1", 6.0), ("M-2", 52.0)]
    assert [(e.inject, e.t) for e in having(events, "inject_delivered")] == [
        ("M-1", 10.0), ("M-2", 52.0)]
    assert [e.t for e in having(events, "traffic_started")] == [52.0]


def test_releasing_what_is_not_held_is_refused_with_the_reason():
    """Only a held inject still to come can be released: one never held, one fired by hand
    while held, and an unknown one are refused, saying why."""
    exercise = Exercise(load_scenario_text(world(MSEL), "story.yaml"), 1)
    exercise.advance_to(2.0)
    for command in (cmd.HoldInject(inject="M-1"), cmd.FireInject(inject="M-1")):
        assert not isinstance(exercise.submit(command), Refused)
    said = {inject: exercise.submit(cmd.ReleaseInject(inject=inject)).reason
            for inject in ("M-2", "M-1", "M-9")}
    assert said["M-2"] == "inject M-2 is not held: only a held inject can be released"
    assert said["M-1"] == "inject M-1 was already delivered at T+2m"
    assert "unknown inject 'M-9'" in said["M-9"]


def test_decision_without_a_choice_takes_its_default_at_the_deadline():
    """Nobody answers D-1: at 8 + 10 minutes the default 'watch' is taken, by default."""
    events = run(world(MSEL))
    [made] = having(events, "decision_made")
    assert (made.t, made.option, made.by) == (18.0, "watch", "default")
    assert not having(events, "lead_assigned")


def test_players_choice_runs_its_steps_after_the_cells_response_time():
    """bp picks 'lead' at 9 minutes; it takes the lead 2 minutes later (its respond time)."""
    events = run(world(MSEL), moves=[(9.0, cmd.Decide(decision="D-1", option="lead"))])
    [made] = having(events, "decision_made")
    assert (made.t, made.option, made.by) == (9.0, "lead", "player")
    assert [(e.agency, e.t) for e in having(events, "lead_assigned")] == [("bp", 11.0)]


def test_closed_or_unopened_decisions_are_refused_with_the_reason():
    """A decision cannot be taken before it opens or after it closed; an unknown option is named."""
    exercise = Exercise(load_scenario_text(world(MSEL), "story.yaml"), 1)
    exercise.advance_to(5.0)
    early = exercise.submit(cmd.Decide(decision="D-1", option="lead"))
    assert isinstance(early, Refused) and "has not opened yet" in early.reason
    exercise.advance_to(9.0)
    typo = exercise.submit(cmd.Decide(decision="D-1", option="leed"))
    assert isinstance(typo, Refused) and "did you mean 'lead'" in typo.reason
    exercise.advance_to(30.0)
    late = exercise.submit(cmd.Decide(decision="D-1", option="lead"))
    assert isinstance(late, Refused) and "closed" in late.reason and "watch" in late.reason


def test_decision_opened_by_an_event_is_about_that_events_incident():
    """A `when` decision's steps without an incident act on the triggering event's incident."""
    text = world("""
        decisions:
          - id: D-2
            when: {event: zone_entered, zone: strip}
            cell: bp
            prompt: The contact crossed.
            options:
              - {id: lead, text: Lead it., do: [{assume_lead: null}]}
            default: lead
            deadline: 1m
        """)
    events = run(text)
    [opened] = having(events, "decision_opened")
    assert (opened.t, opened.incident) == (20.0, "c1")
    assert [(e.agency, e.t) for e in having(events, "lead_assigned")] == [("bp", 23.0)]


def test_adhoc_inject_is_numbered_and_applies_its_effect():
    """A controller's own inject gets an X- number and can take a channel down."""
    down = {"channel_down": {"between": ["bp", "partner"], "for": "5m"}}
    events = run(world(), moves=[(3.0, cmd.AdHocInject(to=("bp",), text="Line drops.",
                                                       effects=(down,)))])
    assert [(e.inject, e.t) for e in having(events, "inject_delivered")] == [("X-1", 3.0)]
    assert [(e.kind, e.t) for e in events if e.kind.startswith("channel")] == [
        ("channel_down", 3.0), ("channel_up", 8.0)]


def test_an_inject_and_a_decision_waiting_on_the_same_event_both_fire():
    """Two MSEL lines triggered by the same crossing both happen (one firing must not hide the other)."""
    text = world("""
        injects:
          - {id: M-1, when: {event: zone_entered, zone: strip}, to: bp, text: It crossed.}
        decisions:
          - id: D-1
            when: {event: zone_entered, zone: strip}
            cell: bp
            prompt: Lead?
            options: [{id: lead, text: Lead., do: [{assume_lead: c1}]}]
            default: lead
            deadline: 5m
        """)
    events = run(text)
    assert [e.t for e in having(events, "inject_delivered")] == [20.0]
    assert [e.t for e in having(events, "decision_opened")] == [20.0]


def test_overlapping_effects_begin_with_the_first_and_end_with_the_last():
    """Two injects take the bp–partner line down (3–8 and 5–15 minutes) and withdraw the
    sheriff (4–9 and 6–12): one outage and one absence each, from the first start to the
    last end; traffic is counted window by window, since each inject names its own."""
    down = {"channel_down": {"between": ["bp", "partner"], "for": "5m"}}
    longer = {"channel_down": {"between": ["partner", "bp"], "for": "10m"}}
    away = {"withdraw": {"agency": "sheriff", "for": "5m"}}
    away_longer = {"withdraw": {"agency": "sheriff", "for": "6m"}}
    busy = {"traffic": {"zone": "town", "for": "10m"}}
    events = run(world(), moves=[
        (3.0, cmd.AdHocInject(to=("bp",), text="Line drops.", effects=(down,))),
        (4.0, cmd.AdHocInject(to=("sheriff",), text="Called away.", effects=(away, busy))),
        (5.0, cmd.AdHocInject(to=("bp",), text="Again.", effects=(longer,))),
        (6.0, cmd.AdHocInject(to=("sheriff",), text="Away again.", effects=(away_longer, busy)))])
    seams = ("channel", "agency", "traffic")
    assert [(e.kind, e.t) for e in events if e.kind.startswith(seams)] == [
        ("channel_down", 3.0), ("agency_withdrawn", 4.0), ("traffic_started", 4.0),
        ("traffic_started", 6.0), ("agency_returned", 12.0), ("traffic_ended", 14.0),
        ("channel_up", 15.0), ("traffic_ended", 16.0)]


def test_an_inject_held_for_a_while_fires_by_itself_again_then():
    """Held at 3 minutes for 20, M-1 (due at 10) is released at 23 and, its time having come
    meanwhile, delivered at once; M-2 (on its trigger at 45), held at 4 for 10, is released
    at 14 and fires on its trigger as written. The timeline says for how long."""
    events = run(world(MSEL), moves=[
        (3.0, cmd.HoldInject(inject="M-1", **{"for": "20m"})),
        (4.0, cmd.HoldInject(inject="M-2", **{"for": 10}))])
    assert [(e.inject, e.t) for e in having(events, "inject_released")] == [
        ("M-2", 14.0), ("M-1", 23.0)]
    assert [(e.inject, e.t) for e in having(events, "inject_delivered")] == [
        ("M-1", 23.0), ("M-2", 45.0)]
    assert describe(having(events, "inject_held")[0]) == (
        "Inject M-1 held by the controller for 20m: it will not fire by itself")


def test_a_hold_ended_otherwise_is_not_ended_again_when_its_while_is_up():
    """M-1, held for 20 minutes at 3, is fired by hand at 8: no release at 23. Held for 20
    at 3 again in another run, released by hand at 5 and held again (for good) at 6: the
    first hold's end at 23 does not release the second."""
    fired = run(world(MSEL), moves=[
        (3.0, cmd.HoldInject(inject="M-1", **{"for": 20})),
        (8.0, cmd.FireInject(inject="M-1"))])
    assert not having(fired, "inject_released")
    assert [e.t for e in having(fired, "inject_delivered", inject="M-1")] == [8.0]
    again = run(world(MSEL), moves=[
        (3.0, cmd.HoldInject(inject="M-1", **{"for": 20})),
        (5.0, cmd.ReleaseInject(inject="M-1")),
        (6.0, cmd.HoldInject(inject="M-1"))])
    assert [e.t for e in having(again, "inject_released")] == [5.0]
    assert not having(again, "inject_delivered", inject="M-1")


def test_a_hold_for_no_time_is_refused_by_the_command_itself():
    with pytest.raises(ValidationError, match="this duration is zero"):
        cmd.HoldInject(inject="M-1", **{"for": "0m"})


def test_a_policys_answer_is_refused_for_the_reasons_its_decide_command_would_be():
    """A headless policy's answer is checked without making its `decide` command (which only
    a journal needs): every answer must get the refusal that command would get."""
    exercise = Exercise(load_scenario_text(world(MSEL), "story.yaml"), 1)

    def both(decision: str, option: str) -> tuple[str | None, str | None]:
        command = cmd.Decide(decision=decision, option=option, by="policy")
        return (choice_refusal(exercise.world, exercise.state, decision, None, option),
                refusal(exercise.world, exercise.state, command))

    answers = [both("D-1", "lead")]  # not open yet
    exercise.advance_to(9.0)
    answers += [both("D-9", "lead"), both("D-1", "leed"), both("D-1", "lead")]
    exercise.submit(cmd.Decide(decision="D-1", option="lead"))
    answers.append(both("D-1", "watch"))  # closed
    exercise.run()
    answers.append(both("D-1", "lead"))  # the exercise has ended
    assert [said for said, _ in answers] == [by_command for _, by_command in answers]
    assert answers[3] == (None, None)
    assert [said.split(" ")[0] for said, _ in answers if said] == [
        "decision", "unknown", "unknown", "decision", "the"]
