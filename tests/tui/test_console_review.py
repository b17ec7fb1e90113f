"""Review mode: the same screens, read-only, over a finished exercise's journal; the
timeline jumps to any time, decision or violation and shows the state as it was then."""

from __future__ import annotations

import random
from dataclasses import fields

import pytest
from console_support import REFERENCE, ROOT, journal_commands, journal_events

from sim import events as ev
from sim.engine import Exercise
from sim.headless import fixed_choices, play_out, policy_for
from sim.journal import Journal
from sim.loader import load_scenario_text
from sim.session import start
from sim.state import State
from sim.yamlsource import read_text
from tui import sessions
from tui.app import make_console
from tui.screens.pickers import JumpModal, review_time
from tui.widgets.log import EventLog


@pytest.fixture
def finished(tmp_path) -> str:
    """A journal of the reference scenario played to the end, acting across the line at D-1."""
    path = str(tmp_path / "finished.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    play_out(exercise, fixed_choices({"D-1": "act-across"}))
    exercise.journal.close()
    return path


async def test_review_opens_at_the_end_and_jumps_back_to_a_violation(finished):
    """`[` walks back through decisions and violations; the boards show that moment."""
    events = journal_events(finished)
    violation = next(e for e in events if e.kind == "violation")
    app = make_console(None, finished, review=True)
    async with app.run_test() as pilot:
        assert app.session.state.ended and app.session.clock == events[-1].t
        while app.session.clock > violation.t:
            await pilot.press("left_square_bracket")
        assert app.session.clock == violation.t
        assert app.session.state == State.of(events, until=violation.t)
        assert violation in app.session.state.violations
        assert app.query_one(EventLog).row_count == app.session.state.seq


async def test_jump_to_a_typed_time_shows_the_state_as_it_was(finished):
    """`j`, `45m`, Enter: the state is the fold of the journal's events up to T+45m."""
    app = make_console(None, finished, review=True)
    async with app.run_test() as pilot:
        await pilot.press("j")
        assert isinstance(app.screen, JumpModal)
        await pilot.press(*"45m", "enter")
        assert app.session.clock == 45.0
        assert app.session.state == State.of(journal_events(finished), until=45.0)
        await pilot.press("right")
        assert app.session.clock == min(e.t for e in journal_events(finished) if e.t > 45)


async def test_review_is_read_only(finished):
    """The live keys do nothing in review and the journal gains no command."""
    before = journal_commands(finished)
    app = make_console(None, finished, review=True)
    async with app.run_test() as pilot:
        for key in ("space", "n", "d", "i", "m", "o", "E", "a"):
            await pilot.press(key)
            assert app.screen is app.exercise_screen, key
    assert journal_commands(finished) == before


async def test_enter_on_a_log_line_reviews_that_moment(finished):
    """In the log, Enter on an event moves the review clock to it."""
    app = make_console(None, finished, review=True)
    async with app.run_test() as pilot:
        await pilot.press("l", "home", "down", "down", "enter")
        assert app.session.clock == journal_events(finished)[2].t


def test_review_shows_the_policy_variant_the_exercise_ran(tmp_path):
    """A run of the era-a variant is reviewed with era-a's authorities, not the base's."""
    path = str(tmp_path / "era-a.sqlite")
    text = read_text(str(ROOT / "scenarios" / "quiet-on-the-shared-band.yaml"))
    exercise = Exercise(load_scenario_text(text, "band.yaml", "era-a"), 1,
                        Journal.create(path, text, 1, "era-a"))
    play_out(exercise)
    exercise.journal.close()
    review = sessions.ReviewSession(path)
    [sector] = [a for a in review.scenario.agencies if a.id == "border-agency"]
    assert sector.authorities == ("watch", "policing")


@pytest.mark.parametrize("typed, minutes", [("45m", 45.0), ("T+1h10m", 70.0), ("90", 90.0),
                                             ("02:45", 45.0), ("01:00", 23 * 60.0)])
def test_review_times_read_as_a_reviewer_writes_them(typed, minutes):
    """Durations, `T+` times and wall-clock labels (the next such time after the start)."""
    assert review_time(typed, "2026-03-14T02:00") == minutes


def test_going_back_in_time_from_checkpoints_shows_the_state_as_it_was(tmp_path, monkeypatch):
    """Review keeps a copy of the state every so many events and goes back from the nearest
    one: whatever the order of the seeks, the state is the fold of the events up to then."""
    monkeypatch.setattr(sessions, "MIN_CHECKPOINT_EVERY", 7)
    path = str(tmp_path / "year.sqlite")
    year = str(ROOT / "scenarios" / "year-along-the-border.yaml")
    exercise = start(read_text(year), year, 3, path)
    play_out(exercise, policy_for(exercise.scenario, 3), until=2 * 1440)
    exercise.journal.close()
    review = sessions.ReviewSession(path)
    events = review.events
    assert 2 < len(review._checkpoints) <= sessions.CHECKPOINTS + 1  # the empty state, then more
    rng = random.Random(5)
    for t in [0.0, review.end_time, *(rng.uniform(0, review.end_time) for _ in range(30))]:
        review.seek(t)
        assert review.state == State.of(events, until=t), t
    review.seek(review.end_time)
    assert review.state == State.of(events)  # the checkpoints were not changed by the seeks


def test_a_copy_of_the_state_shares_nothing_that_folding_changes():
    """Every container of a copy is its own, and an incident's record too."""
    state = State()
    for event in [ev.ExerciseStarted(seq=1, title="x"),
                  ev.ZoneEntered(seq=2, t=1.0, incident="c1", zone="far")]:
        state.apply(event)
    copy = state.copy()
    assert copy == state
    for field in fields(State):
        value = getattr(state, field.name)
        if isinstance(value, dict | list | set):
            assert getattr(copy, field.name) is not value, field.name
    copy.apply(ev.ZoneEntered(seq=3, t=2.0, incident="c1", zone="near"))
    assert state.incidents["c1"].zone == "far" and state.seq == 2
