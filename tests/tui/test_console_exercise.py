"""A facilitator runs the reference scenario from the keyboard: every step they take is
asserted in the SQLite journal (and as a `CommandAccepted` message), not on pixels."""

from __future__ import annotations

import pytest
from console_support import REFERENCE, ROOT, journal_commands, journal_events, step_until
from textual.widgets import Select, Static
from textual.widgets.select import InvalidSelectValueError

from sim import commands as cmd
from tui.app import make_console
from tui.messages import CommandAccepted, PaceChanged
from tui.screens.decision import DecisionModal
from tui.screens.move import MoveModal


async def test_a_whole_exercise_from_the_keyboard(tmp_path):
    """Start, speed, pause, step, inject, decide, hand off, note and end all reach the journal."""
    path = tmp_path / "exercise.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    seen: list = []
    async with app.run_test(message_hook=seen.append) as pilot:
        assert (app.session.clock, app.pace.running) == (0.0, False)  # opens paused at T+0
        await pilot.press("space", "plus", "plus", "minus")
        assert (app.pace.running, app.pace.speed) == (True, 2)
        await pilot.press("space")
        assert not app.pace.running and app.session.state.paused
        assert [m.speed for m in seen if isinstance(m, PaceChanged)][-3:] == [5, 2, 2]

        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        await pilot.press("i", "enter")  # the first inject still to come: M-02
        await pilot.pause()
        assert "M-02" in app.session.state.delivered

        await pilot.press("d")
        assert isinstance(app.screen, DecisionModal)
        await pilot.press("enter")  # the highlighted option: the first, 'monitor'
        await pilot.pause()
        assert app.session.state.decided["D-1"].by == "player"

        await pilot.press("m")
        form = app.screen
        assert isinstance(form, MoveModal)
        form.query_one("#kind", Select).value = "handoff"
        form.query_one("#agency", Select).value = "bp-sector"
        form.query_one("#target", Select).value = "county-sheriff"
        await pilot.pause()
        await pilot.click("#send")
        await pilot.pause()

        await pilot.press("o", *"Sector named a lead after the partner called", "enter")
        await pilot.press("E", "enter")  # end, confirmed with the default reason
        await pilot.pause()
        assert app.session.state.ended
        await pilot.press("q")

    commands = journal_commands(path)
    assert [c.command.kind for c in commands] == [
        "pause", "fire_inject", "decide", "handoff", "note", "end"]
    assert all(c.refused is None for c in commands)
    assert commands[2].command == cmd.Decide(decision="D-1", option="monitor")
    assert commands[3].command == cmd.HandOff(agency="bp-sector", incident="watcher",
                                              to="county-sheriff")
    accepted = [m.command.kind for m in seen if isinstance(m, CommandAccepted)]
    assert accepted == [c.command.kind for c in commands]

    events = journal_events(path)
    kinds = [e.kind for e in events]
    assert kinds.count("exercise_paused") == 1
    made = next(e for e in events if e.kind == "decision_made")
    assert (made.decision, made.option, made.by) == ("D-1", "monitor", "player")
    assert next(e for e in events if e.kind == "note").text == (
        "Sector named a lead after the partner called")
    assert kinds[-1] == "exercise_ended"
    assert events[-1].reason == "ended by the controller"


async def test_a_refused_decision_shows_its_reason_in_place(tmp_path):
    """A decision taken after its deadline passed is refused, and the modal says why."""
    path = tmp_path / "late.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test() as pilot:
        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        await pilot.press("d")
        modal = app.screen
        while "D-1" not in app.session.state.decided:  # the clock runs on under the modal
            app.action_step()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal
        refusal = str(modal.query_one("#refusal", Static).render())
        assert "decision D-1 is closed: 'monitor' was taken (default)" in refusal
    refused = journal_commands(path)[-1]
    assert (refused.command.kind, refused.refused) == (
        "decide", "decision D-1 is closed: 'monitor' was taken (default)")


async def test_an_incomplete_move_is_not_sent(tmp_path):
    """A move without a player cell asks for one in place; nothing reaches the journal."""
    path = tmp_path / "move.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test() as pilot:
        await step_until(pilot, lambda: "watcher" in app.session.state.incidents)
        await pilot.press("m")
        await pilot.click("#send")
        await pilot.pause()
        assert "Pick the agency." in str(app.screen.query_one("#refusal", Static).render())
    assert journal_commands(path) == []


async def test_a_share_move_passes_data_and_the_journal_shows_the_rule_it_broke(tmp_path):
    """In 'The sensor goes north' the controller records the task force sending its track to
    the sheriff: a `share` command, and on arrival a sharing violation. A scenario that
    declares no data does not offer the move."""
    path = tmp_path / "share.sqlite"
    app = make_console(str(ROOT / "scenarios" / "sensor-goes-north.yaml"), str(path), 7)
    async with app.run_test() as pilot:
        await step_until(pilot, lambda: "night-track" in app.session.state.incidents)
        await pilot.press("m")
        form = app.screen
        form.query_one("#kind", Select).value = "share"
        await pilot.pause()
        assert form.query_one("#data-row").display and not form.query_one("#action-row").display
        form.query_one("#agency", Select).value = "task-force"
        form.query_one("#target", Select).value = "county-sheriff"
        form.query_one("#data", Select).value = "military-track"
        await pilot.click("#send")
        await step_until(pilot, lambda: app.session.state.violations)
        await pilot.press("q")
    [share] = [c.command for c in journal_commands(path)]
    assert share == cmd.Share(agency="task-force", incident="night-track",
                              data="military-track", to="county-sheriff")
    [violation] = [e for e in journal_events(path) if e.kind == "violation"]
    assert (violation.rule, violation.agency, violation.action) == (
        "sharing", "task-force", "military-track")

    plain = make_console(REFERENCE, str(tmp_path / "plain.sqlite"), 7)
    async with plain.run_test() as pilot:
        await pilot.press("m")
        kind = plain.screen.query_one("#kind", Select)
        kind.value = "notify"
        with pytest.raises(InvalidSelectValueError):
            kind.value = "share"


async def test_quitting_and_reopening_continues_where_it_stopped(tmp_path):
    """`play --journal FILE` on an existing file reopens at the same clock and state."""
    path = tmp_path / "reopen.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test() as pilot:
        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        await pilot.press("d", "down", "enter", "n", "n")
        before = (app.session.clock, app.session.state)
        await pilot.press("q")
    again = make_console(None, str(path))
    async with again.run_test():
        assert (again.session.clock, again.session.state) == before
        assert not again.pace.running
        assert again.session.state.decided["D-1"].option == "ask-partner"
