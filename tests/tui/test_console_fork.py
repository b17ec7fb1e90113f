"""Review mode's fork: `F` at the selected decision takes another option into a new journal
beside the original (in a worker), then the comparison screen shows the two runs side by
side; `r` reviews the fork, Esc goes back, and a refused fork says why in place."""

from __future__ import annotations

import os
import re

import pytest
from console_support import REFERENCE, journal_events, screen_text
from textual.widgets import Static

from sim import events as ev
from sim.compare import compare
from sim.fork import default_path
from sim.headless import fixed_choices, play_out
from sim.session import start
from sim.state import instance_key
from sim.yamlsource import read_text
from tui import actions
from tui.app import make_console
from tui.screens.compare import CompareScreen
from tui.screens.fork import ForkModal
from tui.sessions import LANDMARKS
from tui.widgets.log import EventLog

FORK_ENTRY = "decision: fork here — take another option and compare"


def play_to_end(path: str) -> str:
    """A journal of the reference scenario, seed 7, played to the end acting across the line
    at D-1 (every other decision left to its default)."""
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    play_out(exercise, fixed_choices({"D-1": "act-across"}))
    exercise.journal.close()
    return path


@pytest.fixture
def finished(tmp_path) -> str:
    """The reference scenario played to the end, journaled in a temporary folder."""
    return play_to_end(str(tmp_path / "finished.sqlite"))


def d1_opened(path: str) -> ev.DecisionOpened:
    """The event of the journal at `path` where D-1 opened."""
    return next(e for e in journal_events(path)
                if isinstance(e, ev.DecisionOpened) and e.decision == "D-1")


async def to_d1(pilot) -> None:
    """Walk the review clock back with `[` to the moment D-1 opened."""
    opened = d1_opened(pilot.app.session.journal_path)
    while pilot.app.session.clock > opened.t:
        await pilot.press("left_square_bracket")


async def fork_with_highlighted_option(pilot) -> None:
    """`F`, Enter on the option highlighted (the first one not taken), and wait for the fork."""
    await pilot.press("F")
    assert isinstance(pilot.app.screen, ForkModal)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_fork_at_d1_writes_the_other_option_and_shows_what_differs(finished):
    """At D-1, `F` and Enter on 'monitor': the fork's journal lies beside the original with
    'monitor' for D-1, the same events up to the decision, and the comparison screen marks
    every objective whose result differs."""
    app = make_console(None, finished, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_d1(pilot)
        assert app.selected_decision().key == "D-1"
        await fork_with_highlighted_option(pilot)
        assert isinstance(app.screen, CompareScreen)
        shown = screen_text(app)

    fork_path = default_path(finished, "D-1", "monitor")
    assert os.path.dirname(fork_path) == os.path.dirname(finished) and os.path.exists(fork_path)
    original, forked = journal_events(finished), journal_events(fork_path)
    made = [e for e in forked if isinstance(e, ev.DecisionMade) and e.decision == "D-1"]
    assert [e.option for e in made] == ["monitor"]
    before = made[0].seq - 1
    assert before > 0 and forked[:before] == original[:before]
    assert next(e for e in original if isinstance(e, ev.DecisionMade)
                and e.decision == "D-1").option == "act-across"

    rows = compare(finished, fork_path).objectives
    differing = {r.name for r in rows if r.differs}
    assert "O-2" in differing  # acting across the line broke jurisdiction; monitoring did not
    for row in rows:  # e.g. "│  * O-2    NOT MET (U)   met (S)│"
        line = re.search(rf"^│? *(\*)? *{re.escape(row.name)}\s+(.*?)\s*│?$", shown,
                         re.MULTILINE)
        assert line, f"{row.name} is not on the comparison screen"
        assert bool(line.group(1)) == row.differs, line.group(0)
        assert re.fullmatch(rf"{re.escape(row.a)}\s*{re.escape(row.b)}", line.group(2)), (
            line.group(0))


async def test_r_reviews_the_fork_and_escape_returns_to_the_original(finished):
    """From the comparison, Esc goes back to the original where it was; `r` opens the fork in
    review mode at its end, where the timeline keys work on the fork's events."""
    app = make_console(None, finished, review=True)
    async with app.run_test() as pilot:
        await to_d1(pilot)
        clock = app.session.clock
        await fork_with_highlighted_option(pilot)
        await pilot.press("escape")
        assert app.screen is app.exercise_screen
        assert (app.session.journal_path, app.session.clock) == (finished, clock)

        await pilot.press("F", "down", "enter")  # this time 'ask-partner'
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        fork_path = default_path(finished, "D-1", "ask-partner")
        forked = journal_events(fork_path)
        assert app.screen is app.exercise_screen
        assert app.session.journal_path == fork_path and app.session.events == forked
        assert app.session.clock == app.session.end_time
        assert app.query_one(EventLog).row_count == len(forked)
        await pilot.press("left_square_bracket")
        assert app.session.clock == max(e.t for e in forked if e.kind in LANDMARKS
                                        and e.t < app.session.end_time)


async def test_a_refused_fork_says_why_in_place(finished):
    """When the fork's file already exists the fork is refused: the modal stays open with the
    reason, and the file is left as it was."""
    taken = default_path(finished, "D-1", "monitor")
    with open(taken, "w") as placeholder:
        placeholder.write("not a journal")
    app = make_console(None, finished, review=True)
    async with app.run_test() as pilot:
        await to_d1(pilot)
        await fork_with_highlighted_option(pilot)
        assert isinstance(app.screen, ForkModal)
        refusal = str(app.screen.query_one("#refusal", Static).render())
        assert f"Refused: {taken} already exists" in refusal
    with open(taken) as kept:
        assert kept.read() == "not a journal"


async def test_the_selected_decision_follows_the_clock_or_the_log_cursor(finished):
    """Before D-1 opens nothing is selected (no palette entry, `F` opens nothing); at the end
    the last decision instance is; with the log's cursor on D-1's line, D-1 is."""
    events = journal_events(finished)
    app = make_console(None, finished, review=True)
    async with app.run_test() as pilot:
        last = [e for e in events if isinstance(e, ev.DecisionOpened | ev.DecisionMade)][-1]
        assert app.selected_decision().key == instance_key(last.decision, last.incident)
        assert last.decision != "D-1"  # else the log's cursor below would select nothing new
        assert FORK_ENTRY in [e.title for e in actions.entries(app)]

        log = app.query_one(EventLog)
        await pilot.press("l", "home")
        while log.highlighted != d1_opened(finished):
            await pilot.press("down")
        assert app.selected_decision().key == "D-1"
        await pilot.press("F")
        assert isinstance(app.screen, ForkModal) and app.screen.point.key == "D-1"
        await pilot.press("escape")

        await pilot.press("j", *"1m", "enter")
        assert app.selected_decision() is None
        assert FORK_ENTRY not in [e.title for e in actions.entries(app)]
        await pilot.press("F")
        assert app.screen is app.exercise_screen


def test_the_comparison_screen(snap_compare, tmp_path, monkeypatch):
    """After forking at D-1 with 'monitor' instead of acting across the line: the two runs'
    objectives, violations by rule, lead gaps and decisions side by side, the lines that
    differ marked, and the first event where the timelines part."""
    monkeypatch.chdir(tmp_path)  # relative journal names: no temporary path on screen
    app = make_console(None, play_to_end("exercise.sqlite"), review=True)

    async def fork_at_d1(pilot) -> None:
        await to_d1(pilot)
        await fork_with_highlighted_option(pilot)

    assert snap_compare(app, run_before=fork_at_d1, terminal_size=(120, 40))
