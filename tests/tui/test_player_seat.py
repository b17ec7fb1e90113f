"""A player cell's seat: the injects sent to the cell and the decisions open to it, followed
from the journal; a choice or a note goes to the seats' inbox (on disk before the seat says
"sent"), the console journals it as the cell's decision or note — or refuses it — and the
seat shows which."""

from __future__ import annotations

import time

import pytest
from console_support import (
    REFERENCE,
    journal_commands,
    journal_events,
    screen_text,
    step_until,
)
from textual.app import App
from textual.notifications import Notify
from textual.widgets import Input, OptionList, Select
from textual.widgets.select import InvalidSelectValueError

from sim import commands as cmd
from sim.errors import TabletopError
from sim.inbox import Inbox, inbox_path
from sim.session import start
from sim.sweeps import parse_sets
from sim.timeline import describe
from sim.yamlsource import read_text
from tui.app import make_console
from tui.display import FOLLOW_SECONDS
from tui.screens.move import MoveModal
from tui.seat import PlayerSeat


async def showing(pilot, app, text: str, within: float = 10.0) -> str:
    """The screen once it shows `text` (the seat reads the journal every FOLLOW_SECONDS)."""
    deadline = time.monotonic() + within
    while text not in (shown := screen_text(app)):
        assert time.monotonic() < deadline, f"{text!r} not on the seat's screen"
        await pilot.pause(FOLLOW_SECONDS / 5)
    return shown


async def until_taken(pilot, seats: Inbox, what: str = "the console") -> None:
    """Wait while the console has not answered every choice in the inbox."""
    deadline = time.monotonic() + 10
    while seats.waiting():
        assert time.monotonic() < deadline, f"{what} never took the seats' choices"
        await pilot.pause(0.05)


async def left_at_d1(path) -> None:
    """The console run until D-1 (bp-sector's) opens, then quit: the journal stops there."""
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(160, 48)) as pilot:
        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        await pilot.press("q")


def inbox_of(path: str) -> list:
    inbox = Inbox(path)
    try:
        return inbox.sent_by(["bp-sector"])
    finally:
        inbox.close()


async def test_a_seat_shows_its_cell_s_injects_and_decisions_and_sends_a_choice(tmp_path):
    """At T+13m bp-sector's seat shows M-02 (to bp-sector) but not M-01 (to the task force),
    and D-1 with its options; the task force's seat shows no decision. Enter on the second
    option puts the choice in the inbox at once; the console's answer then shows."""
    path = str(tmp_path / "live.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    exercise.advance_to(13.0)
    exercise.flush()
    m01, m02 = (next(i for i in exercise.scenario.injects if i.id == n) for n in ("M-01", "M-02"))
    seat = PlayerSeat(path, ["bp-sector"])
    async with seat.run_test(size=(200, 50)) as pilot:
        shown = await showing(pilot, seat, "D-1 · 5 minutes left")
        assert "The contact is over partner territory. What does the sector do?" in shown
        assert "1. Keep watching and inform the partner through the liaison." in shown
        assert m02.text.split()[0] in shown and m01.text not in shown
        assert "None yet." in shown
        await pilot.press("down", "down", "enter")
        sent = inbox_of(path)
        assert [(s.command, s.answered) for s in sent] == [
            (cmd.Decide(decision="D-1", option="ask-partner"), False)]
        assert "D-1 → ask-partner: sent — waiting for the controller's console" in (
            screen_text(seat))
        answering = Inbox(path)
        answering.answer(sent[0].n, 13.0, None)
        answering.close()
        await showing(pilot, seat, "D-1 → ask-partner: recorded at T+13m")
    other = PlayerSeat(path, ["task-force"])
    async with other.run_test(size=(120, 40)) as pilot:
        assert "No decision is open for you." in await showing(pilot, other, "T+13m")
    exercise.journal.close()


async def test_the_console_journals_a_seat_s_choice_and_refuses_another_cell_s(tmp_path):
    """While D-1 (bp-sector's) is open, a choice from bp-sector's seat is journaled as the
    player's decision and answered with its time; the same decision chosen at the task
    force's seat is refused, and the seat is told why."""
    path = tmp_path / "console.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(160, 48)) as pilot:
        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        seats = Inbox(str(path))
        wrong = seats.send(["task-force"], cmd.Decide(decision="D-1", option="monitor"))
        right = seats.send(["bp-sector"], cmd.Decide(decision="D-1", option="ask-partner"))
        await until_taken(pilot, seats)
        answers = {c.n: c for c in [*seats.sent_by(["task-force"]), *seats.sent_by(["bp-sector"])]}
        seats.close()
        clock = app.session.clock
        await pilot.press("q")
    assert answers[wrong].refused == "D-1 is bp-sector's decision, not task-force's"
    assert answers[right].refused is None and answers[right].t == clock
    assert [(c.command, c.seat) for c in journal_commands(path)] == [
        (cmd.Decide(decision="D-1", option="ask-partner"), "bp-sector")]


async def test_a_console_without_seats_leaves_no_inbox_beside_the_journal(tmp_path):
    await left_at_d1(tmp_path / "alone.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.sqlite"]


def test_a_seat_for_an_agency_the_scenario_lacks_is_refused(tmp_path):
    path = str(tmp_path / "live.sqlite")
    start(read_text(REFERENCE), REFERENCE, 7, path).journal.close()
    with pytest.raises(TabletopError, match="--cell bp-sectr: unknown agency 'bp-sectr' — did "
                                            "you mean 'bp-sector'?"):
        PlayerSeat(path, ["bp-sectr"])
    assert inbox_path(path).endswith("live.inbox.sqlite")


async def test_a_choice_sent_while_the_console_is_closed_is_taken_when_it_reopens(tmp_path):
    path = tmp_path / "reopen.sqlite"
    await left_at_d1(path)
    seats = Inbox(str(path))
    sent = seats.send(["bp-sector"], cmd.Decide(decision="D-1", option="ask-partner"))
    again = make_console(None, str(path))
    async with again.run_test(size=(160, 48)) as pilot:
        await until_taken(pilot, seats, "the reopened console")
        await pilot.press("q")
    [answer] = seats.sent_by(["bp-sector"])
    seats.close()
    assert (answer.n, answer.refused) == (sent, None)
    assert [c.command for c in journal_commands(path)][-1] == cmd.Decide(decision="D-1",
                                                                         option="ask-partner")


async def test_a_seat_hears_what_other_agencies_tell_its_cell(tmp_path):
    """bp-sector keeps watching and tells the partner (D-1 'monitor'): once the liaison
    carries it, the partner's seat shows the message, and none of bp-sector's injects."""
    path = str(tmp_path / "told.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    exercise.advance_to(8.0)
    exercise.submit(cmd.Decide(decision="D-1", option="monitor"))
    exercise.advance_to(60.0)
    exercise.flush()
    seat = PlayerSeat(path, ["partner-guard"])
    async with seat.run_test(size=(200, 50)) as pilot:
        shown = await showing(pilot, seat, "bp-sector informs partner-guard about watcher")
        assert "M-02" not in shown
    exercise.journal.close()


async def test_a_seat_writes_to_the_controller_and_the_console_journals_it_as_the_cell_s_note(
        tmp_path):
    """`w`, a question (its w, m and q are text, not keys), Enter: the note is in the inbox at
    once and the seat is back on its decisions; the console journals it as bp-sector's note
    and tells the controller. An empty line sends nothing."""
    path = tmp_path / "wrote.sqlite"
    await left_at_d1(path)
    question = "What now? quick: may we move?"
    seat = PlayerSeat(str(path), ["bp-sector"])
    async with seat.run_test(size=(200, 50)) as pilot:
        await showing(pilot, seat, "D-1 · ")
        await pilot.press("w", "enter")
        await pilot.press("w", *question, "enter")
        await pilot.pause()
        assert isinstance(seat.focused, OptionList)
        assert [s.command for s in inbox_of(str(path))] == [
            cmd.Note(text=question, author="bp-sector (player cell)")]
        await showing(pilot, seat, f"note “{question}”: sent")
    again, seen = make_console(None, str(path)), []
    async with again.run_test(size=(160, 48), message_hook=seen.append) as pilot:
        seats = Inbox(str(path))
        await until_taken(pilot, seats, "the reopened console")
        seats.close()
        await pilot.press("q")
    assert [(m.notification.title, m.notification.message) for m in seen
            if isinstance(m, Notify) and "seat" in m.notification.message] == [
        ("A player cell wrote", f"From bp-sector's seat: note “{question}”")]
    [answer] = inbox_of(str(path))
    assert answer.answered and answer.refused is None
    assert [c.command for c in journal_commands(path)][-1] == cmd.Note(
        text=question, author="bp-sector (player cell)")


async def test_a_seat_makes_its_cell_s_move_in_the_console_s_move_form(tmp_path):
    """`m` opens the move form for bp-sector alone (no other cell to pick): taking the lead
    on the watcher goes to the inbox, and the console, reopened, journals it as bp-sector's
    move; the seat then shows it recorded."""
    path = tmp_path / "moved.sqlite"
    await left_at_d1(path)
    seat = PlayerSeat(str(path), ["bp-sector"])
    async with seat.run_test(size=(200, 50)) as pilot:
        await showing(pilot, seat, "D-1 · ")
        await pilot.press("m")
        await pilot.pause()
        form = seat.screen
        assert isinstance(form, MoveModal) and "A move by bp-sector" in screen_text(seat)
        cells = form.query_one("#agency", Select)
        assert cells.value == "bp-sector"
        with pytest.raises(InvalidSelectValueError):  # no other cell on the list
            cells.value = "task-force"
        await pilot.click("#send")
        await pilot.pause()
        assert not isinstance(seat.screen, MoveModal)
        assert [s.command for s in inbox_of(str(path))] == [
            cmd.AssumeLead(agency="bp-sector", incident="watcher")]
    again = make_console(None, str(path))
    async with again.run_test(size=(160, 48)) as pilot:
        seats = Inbox(str(path))
        await until_taken(pilot, seats, "the reopened console")
        [answer] = seats.sent_by(["bp-sector"])
        seats.close()
        await pilot.press("q")
    assert answer.answered and answer.refused is None
    assert [c.command for c in journal_commands(path)][-1] == cmd.AssumeLead(
        agency="bp-sector", incident="watcher")
    seat = PlayerSeat(str(path), ["bp-sector"])
    async with seat.run_test(size=(200, 50)) as pilot:
        await showing(pilot, seat, "take the lead on watcher: recorded at T+")


async def test_the_console_refuses_what_is_not_a_seat_s_to_send(tmp_path):
    """A seat moves for its own cell only, and never does the controller's part: such
    commands are refused, each with its reason (every case: test_inbox), and nothing of
    them is journaled."""
    path = tmp_path / "refused.sqlite"
    await left_at_d1(path)
    before = journal_commands(path)
    seats = Inbox(str(path))
    asked = {
        seats.send(["bp-sector"], cmd.AssumeLead(agency="task-force", incident="watcher")):
            "a seat moves for its own cells (bp-sector), not for task-force",
        seats.send(["bp-sector"], cmd.FireInject(inject="M-02")):
            "'fire_inject' is the controller's to do, not a player cell's",
    }
    again = make_console(None, str(path))
    async with again.run_test(size=(160, 48)) as pilot:
        await until_taken(pilot, seats, "the reopened console")
        await pilot.press("q")
    answers = {s.n: s.refused for s in seats.sent_by(["bp-sector"])}
    seats.close()
    assert answers == asked
    assert journal_commands(path) == before


async def test_a_seat_s_move_form_offers_only_incidents_someone_has_detected(tmp_path):
    """With nobody to detect it, the watcher is there but unseen: the console's move form
    offers it to the controller, a seat's does not — the players must not learn of it."""
    path = str(tmp_path / "unseen.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path,
                     settings=parse_sets(["incidents.watcher.detected_by=null"]))
    exercise.advance_to(10.0)
    exercise.flush()
    assert exercise.state.incidents["watcher"].detected_by is None
    offered = {}
    for cells in ((), ("bp-sector",)):
        form = MoveModal(exercise.scenario, exercise.state, cells=cells)
        async with App().run_test() as pilot:
            await pilot.app.push_screen(form)
            incidents = form.query_one("#incident", Select)
            offered[cells] = incidents.value
    exercise.journal.close()
    assert offered == {(): "watcher", ("bp-sector",): Select.NULL}


async def test_a_seat_whose_inbox_fails_keeps_what_was_typed_and_says_why(tmp_path):
    """Nothing a player typed is lost, and no traceback: with the inbox gone from under it,
    the seat goes on following the journal and says so once; the note stays in its line and
    a notice says it was not sent; a choice says the same."""
    path = tmp_path / "broken.sqlite"
    await left_at_d1(path)
    seat, seen = PlayerSeat(str(path), ["bp-sector"]), []
    async with seat.run_test(size=(200, 50), message_hook=seen.append) as pilot:
        await showing(pilot, seat, "D-1 · ")
        seat.inbox.close()  # as a disk that stopped taking writes would
        await pilot.press("w", *"Who leads?", "enter")
        await pilot.pause()
        assert seat.query_one("#note", Input).value == "Who leads?"
        await pilot.press("escape", "down", "enter")
        await pilot.pause()
        assert seat.is_running
    notices = [m.notification for m in seen if isinstance(m, Notify)]
    assert sorted(n.title for n in notices) == ["Not sent", "Not sent",
                                                "The seats' inbox cannot be read"]
    assert all("the seats' inbox cannot be used" in n.message for n in notices)


async def test_a_seat_hears_the_answers_to_what_its_cell_asked(tmp_path):
    """bp-sector takes the lead and hands it to the sheriff: its seat shows the sheriff's
    answer; the sheriff's seat shows the request, not the answer it gave. Each seat says
    what its cell leads now."""
    path = str(tmp_path / "answered.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    exercise.advance_to(10.0)
    exercise.submit(cmd.AssumeLead(agency="bp-sector", incident="watcher"))
    exercise.advance_to(30.0)
    exercise.submit(cmd.HandOff(agency="bp-sector", incident="watcher", to="county-sheriff"))
    exercise.advance_to(80.0)
    exercise.flush()
    exercise.journal.close()
    [answer] = [e for e in journal_events(path)
                if e.kind in ("handoff_accepted", "handoff_declined")]
    said = describe(answer)
    assert said.startswith("county-sheriff ")
    leader = "county-sheriff" if answer.kind == "handoff_accepted" else "bp-sector"
    zone = exercise.state.incidents["watcher"].zone
    seat = PlayerSeat(path, ["bp-sector"])
    async with seat.run_test(size=(200, 50)) as pilot:
        shown = await showing(pilot, seat, said)
        assert ("You lead nothing" if leader != "bp-sector" else
                f"You lead: watcher ({zone})") in shown
    sheriff = PlayerSeat(path, ["county-sheriff"])
    async with sheriff.run_test(size=(200, 50)) as pilot:
        shown = await showing(pilot, sheriff, "bp-sector asks county-sheriff to take the lead")
        assert said not in shown
        assert ("You lead nothing" if leader != "county-sheriff" else
                f"You lead: watcher ({zone})") in shown


async def test_a_table_playing_two_cells_has_one_seat_for_both(tmp_path):
    """`--cell bp-sector --cell task-force`: what reaches either (M-01 to the task force) and
    what either decides (D-1, the sector's, named with its cell), a move form offering both
    cells and preselecting neither; a note goes out by both, and the console journals it."""
    path = tmp_path / "table.sqlite"
    await left_at_d1(path)
    seat = PlayerSeat(str(path), ["bp-sector", "task-force"])
    async with seat.run_test(size=(200, 50)) as pilot:
        shown = await showing(pilot, seat, "D-1 · bp-sector · ")
        assert "M-01 · " in shown
        assert seat.title == "tabletop — bp-sector and task-force's seat"
        await pilot.press("m")
        await pilot.pause()
        cells = seat.screen.query_one("#agency", Select)
        assert cells.value == Select.NULL
        cells.value = "task-force"  # offered: no InvalidSelectValueError
        await pilot.press("escape")
        await pilot.press("w", *"Both of us: who leads?", "enter")
        await pilot.pause()
    again = make_console(None, str(path))
    async with again.run_test(size=(160, 48)) as pilot:
        seats = Inbox(str(path))
        await until_taken(pilot, seats, "the reopened console")
        [answer] = seats.sent_by(["bp-sector", "task-force"])
        seats.close()
        await pilot.press("q")
    assert answer.answered and answer.refused is None
    assert [c.command for c in journal_commands(path)][-1] == cmd.Note(
        text="Both of us: who leads?", author="bp-sector and task-force (player cells)")
