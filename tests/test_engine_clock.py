"""The clock a console drives: advance_to includes its boundary, a step budget never splits
an instant, and the state can be rebuilt at any time from the events alone."""


import pytest
from conftest import ROOT, cycles_left_by, run, world

from sim import commands as cmd
from sim import events as ev
from sim.engine import Exercise, Refused
from sim.loader import load_scenario_text
from sim.state import State


def exercise() -> Exercise:
    return Exercise(load_scenario_text(world(), "story.yaml"), seed=1)


def test_advance_to_includes_events_at_exactly_that_time():
    """Advancing to 5 minutes delivers what happens at 5 minutes, and the clock reads 5."""
    x = exercise()
    kinds = [e.kind for e in x.advance_to(5.0)]
    assert kinds == ["exercise_started", "zone_entered", "detected", "lead_gap"]
    assert x.clock == 5.0 and x.next_event_time == 20.0


def test_clock_moves_between_events_and_commands_take_effect_then():
    """At 12.5 minutes nothing is due, yet the clock reads 12.5 and a note is stamped 12.5."""
    x = exercise()
    x.advance_to(12.5)
    assert x.clock == 12.5
    result = x.submit(cmd.Note(text="Players discuss the partner's reaction.", author="E. Vans"))
    assert [(e.kind, e.t) for e in result.events] == [("note", 12.5)]


def test_budget_bounds_the_steps_but_finishes_the_current_instant():
    """With a budget of one step the engine still processes everything at 5 minutes."""
    x = exercise()
    x.advance_to(0.0)
    first = x.advance_to(100.0, budget=1)
    assert {e.t for e in first} == {5.0} and len(first) == 3
    assert x.clock == 5.0


def test_step_goes_to_the_next_moment_something_happens():
    """`step` moves the clock to the next due event: the crossing into the strip at 20."""
    x = exercise()
    x.advance_to(5.0)
    assert [e.kind for e in x.step()] == ["zone_entered", "lead_gap_closed", "lead_gap"]
    assert x.clock == 20.0


def test_end_command_ends_the_exercise_and_only_notes_and_ratings_follow():
    """After the controller ends it, moves are refused but a hotwash note is still recorded."""
    x = exercise()
    x.advance_to(30.0)
    x.submit(cmd.End())
    assert x.state.ended and x.next_event_time is None
    refused = x.submit(cmd.AssumeLead(agency="bp", incident="c1"))
    assert isinstance(refused, Refused) and "has ended" in refused.reason
    note = x.submit(cmd.Note(text="Hotwash: the liaison was too slow.", author="lead evaluator"))
    assert [e.kind for e in note.events] == ["note"]
    assert x.advance_to(200.0) == []


def test_pause_marker_is_recorded_and_a_second_pause_refused():
    """Pause and resume are journaled facts; pausing twice is refused with the reason."""
    x = exercise()
    x.advance_to(10.0)
    assert [e.kind for e in x.submit(cmd.Pause(text="discussion")).events] == ["exercise_paused"]
    assert isinstance(x.submit(cmd.Pause()), Refused)
    assert [e.kind for e in x.submit(cmd.Resume()).events] == ["exercise_resumed"]


def test_unknown_ids_are_refused_with_a_suggestion():
    """A typo in an agency id is refused, naming the closest agency."""
    x = exercise()
    x.advance_to(6.0)
    refused = x.submit(cmd.AssumeLead(agency="sherif", incident="c1"))
    assert isinstance(refused, Refused) and "did you mean 'sheriff'" in refused.reason
    gone = exercise()
    gone.advance_to(61.0)
    assert "is gone" in gone.submit(cmd.AssumeLead(agency="bp", incident="c1")).reason


def test_state_at_any_time_is_a_fold_of_the_events():
    """Rebuilding the state at 25 minutes from the events shows the contact in the strip."""
    events = run(world(), moves=[(21.0, cmd.AssumeLead(agency="bp", incident="c1"))])
    then = State.of(events, until=25.0)
    assert then.incidents["c1"].zone == "strip" and then.incidents["c1"].lead == "bp"
    assert then.incidents["c1"].gap is None and then.t <= 25.0


def test_state_refuses_a_gap_in_the_numbering():
    """Folding event 3 after event 1 means an event was lost: refused."""
    state = State()
    state.apply(ev.ExerciseStarted(seq=1, t=0.0, title="x"))
    with pytest.raises(ValueError, match="missing"):
        state.apply(ev.ZoneEntered(seq=3, t=1.0, incident="c1", zone="far"))


@pytest.mark.parametrize("name", ["year-along-the-border", "watcher-across-the-river",
                                  "two-lights"])
def test_stepping_makes_no_reference_cycles(name, tmp_path):
    """`advance_to` pauses Python's cyclic collector for speed, which is only sound while
    stepping — streams, orders, messages, decisions, commands, journal writes — leaves no
    cycles."""
    path = ROOT / "scenarios" / f"{name}.yaml"
    assert cycles_left_by(setup=f"""
        from sim.headless import play_out, policy_for
        from sim.session import start
        exercise = start(open({str(path)!r}).read(), {str(path)!r}, 1,
                         {str(tmp_path / "exercise.sqlite")!r})
        """, work="""
        play_out(exercise, policy_for(exercise.scenario, 1), until=3 * 1440)
        assert exercise.state.counts.get("decision_made", 0) > 0
        """) == 0
