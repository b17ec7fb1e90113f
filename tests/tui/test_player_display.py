"""The players' screen follows a live exercise's journal while the console writes it: each
inject as it is delivered, the decisions open to the cells with their prompts; never the
MSEL still to come, what the controller expects, the objectives or the notes."""

from __future__ import annotations

import time

import pytest
from console_support import REFERENCE, screen_text

from sim import commands as cmd
from sim.errors import JournalError
from sim.scenario import Scenario
from sim.session import start
from sim.yamlsource import read_text
from tui.display import FOLLOW_SECONDS, PlayerDisplay


async def showing(pilot, app, text: str, within: float = 10.0) -> str:
    """The screen once it shows `text` (the display reads the journal every FOLLOW_SECONDS;
    a busy machine may take a few polls)."""
    deadline = time.monotonic() + within
    while text not in (shown := screen_text(app)):
        assert time.monotonic() < deadline, f"{text!r} not on the players' screen"
        await pilot.pause(FOLLOW_SECONDS / 5)
    return shown


def secret_texts(scenario: Scenario) -> list[str]:
    """What the players must not read: injects' expected actions and the objectives."""
    return ([i.expected for i in scenario.injects if i.expected]
            + [o.text for o in scenario.objectives])


async def test_the_players_see_injects_and_decisions_as_the_console_journals_them(tmp_path):
    """At T+13m the display shows M-02 as the latest inject and M-01 below it, nothing of
    M-04 (due at T+50m); once the console's exercise reaches D-1 (opens at T+8m, ten
    minutes to decide — shown when it opens) and then T+55m, the display follows within a
    poll: D-1's prompt, then M-04."""
    path = str(tmp_path / "live.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    m04 = next(i for i in exercise.scenario.injects if i.id == "M-04")
    exercise.advance_to(8.0)
    exercise.submit(cmd.Note(text="The sector cell is hesitant.", author="controller"))
    exercise.flush()
    app = PlayerDisplay(path)
    async with app.run_test(size=(200, 50)) as pilot:
        shown = screen_text(app)
        assert "D-1 · bp-sector · 10 minutes left" in shown
        assert "The contact is over partner territory. What does the sector do?" in shown
        assert "1. Keep watching and inform the partner through the liaison." in shown

        exercise.advance_to(13.0)
        exercise.flush()
        shown = await showing(pilot, app, "02:13  T+13m")
        assert "M-02 · 02:12 T+12m · to bp-sector" in shown.split("Earlier injects")[0]
        assert "Agents on the river road report being watched from across the water." in shown
        assert "Earlier injects: 1" in shown and "M-01 · 02:05 T+5m · to task-force" in shown
        assert "02:13  T+13m" in shown
        assert m04.text not in shown
        assert not [s for s in secret_texts(exercise.scenario) if s in shown]
        assert "hesitant" not in shown

        exercise.advance_to(55.0)
        exercise.flush()
        shown = await showing(pilot, app, m04.text)
        assert m04.text in shown.split("Earlier injects")[0]
        assert "No decision is open." in shown
    exercise.journal.close()


async def test_before_the_first_inject_the_room_reads_the_situation(tmp_path):
    """At T+0 the screen shows the scenario's summary, the situation the players start from."""
    path = str(tmp_path / "start.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    app = PlayerDisplay(path)
    async with app.run_test(size=(200, 50)):
        shown = " ".join(screen_text(app).replace("┃", " ").split())
        assert "No inject yet" in shown
        assert " ".join(exercise.scenario.summary.split()) in shown
    exercise.journal.close()


async def test_a_pause_for_discussion_and_the_end_show_on_the_players_screen(tmp_path):
    path = str(tmp_path / "paused.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    exercise.advance_to(3.0)
    exercise.submit(cmd.Pause(text="Discussion"))
    exercise.flush()
    app = PlayerDisplay(path)
    async with app.run_test(size=(200, 50)) as pilot:
        assert "PAUSED for discussion" in screen_text(app)
        exercise.submit(cmd.Resume())
        exercise.submit(cmd.End())
        exercise.flush()
        shown = await showing(pilot, app, "ENDED")
        assert "ENDED" in shown and "PAUSED" not in shown
    exercise.journal.close()


async def test_without_options_the_players_see_the_question_alone(tmp_path):
    path = str(tmp_path / "question.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    exercise.advance_to(8.0)
    exercise.flush()
    app = PlayerDisplay(path, options=False)
    async with app.run_test(size=(200, 50)):
        shown = screen_text(app)
        assert "The contact is over partner territory. What does the sector do?" in shown
        assert "Keep watching" not in shown
    exercise.journal.close()


def test_a_missing_journal_is_refused_before_the_screen_opens(tmp_path):
    with pytest.raises(JournalError, match="no such journal"):
        PlayerDisplay(str(tmp_path / "nowhere.sqlite"))
