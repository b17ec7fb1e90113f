"""The seats' inbox: what a seat sends (a choice, a move, a note) is on disk when `send`
returns, the console sees it waiting until it answers, and each seat reads back what it
sent with the answers, in a few words."""

from __future__ import annotations

import sqlite3

import pytest

from sim import commands as cmd
from sim.errors import JournalError
from sim.inbox import Inbox, Sent, inbox_path, not_the_cells, seat_author, seat_of

CHOICE = cmd.Decide(decision="D-1", option="monitor")
LATE = cmd.Decide(decision="D-3", option="follow", incident="watcher")
QUESTION = cmd.Note(text="Who holds the airspace?", author=seat_author("bp-sector"))


def test_what_a_seat_sends_is_on_disk_for_the_console_and_answered_back(tmp_path):
    journal = str(tmp_path / "ex.sqlite")
    seat, console = Inbox(journal), Inbox(journal)  # two processes' connections, in effect
    try:
        first = seat.send(["bp-sector"], CHOICE)
        second = seat.send(["task-force"], LATE)
        third = seat.send(["bp-sector"], QUESTION)
        assert console.waiting() == [Sent(first, ("bp-sector",), CHOICE),
                                     Sent(second, ("task-force",), LATE),
                                     Sent(third, ("bp-sector",), QUESTION)]
        console.answer(first, 9.0, None)
        console.answer(second, 9.0, "decision D-3 is closed")
        assert console.waiting() == [Sent(third, ("bp-sector",), QUESTION)]
        console.answer(third, 11.0, None)
        assert console.waiting() == []
        assert seat.sent_by(["bp-sector"]) == [Sent(first, ("bp-sector",), CHOICE, True, 9.0, None),
                                             Sent(third, ("bp-sector",), QUESTION, True, 11.0)]
        assert seat.sent_by(["task-force"])[0].refused == "decision D-3 is closed"
    finally:
        seat.close()
        console.close()
    assert inbox_path(journal) == str(tmp_path / "ex.inbox.sqlite")


@pytest.mark.parametrize(("command", "said"), [
    (CHOICE, "D-1 → monitor"),
    (QUESTION, "note “Who holds the airspace?”"),
    (cmd.AssumeLead(agency="bp", incident="watcher"), "take the lead on watcher"),
    (cmd.HandOff(agency="bp", incident="watcher", to="sheriff"), "hand watcher to sheriff"),
    (cmd.Notify(agency="bp", incident="watcher", to="partner"), "tell partner about watcher"),
    (cmd.Share(agency="bp", incident="watcher", data="track", to="partner"),
     "share track on watcher with partner"),
    (cmd.Request(agency="bp", incident="watcher", by="tf", action="observe"),
     "ask tf to 'observe' on watcher"),
    (cmd.Coordinate.model_validate({"agency": "bp", "incident": "watcher", "with": "faa",
                                    "domain": "airspace"}),
     "ask faa to deconflict airspace (watcher)"),
    (cmd.Act(agency="bp", incident="watcher", action="observe"), "'observe' on watcher"),
])
def test_what_was_sent_reads_in_a_few_words(command, said):
    assert Sent(1, ("bp",), command).said == said


def test_an_inbox_that_cannot_be_written_is_a_clear_error(tmp_path):
    with pytest.raises(JournalError, match="the seats' inbox cannot be used .* check that its "
                                           "folder is writable"):
        Inbox(str(tmp_path / "no-such-folder" / "ex.sqlite"))


def test_an_inbox_changed_by_hand_is_a_clear_error(tmp_path):
    journal = str(tmp_path / "ex.sqlite")
    Inbox(journal).close()
    with sqlite3.connect(inbox_path(journal)) as db:
        db.execute("INSERT INTO sent (wall, seat, command) VALUES ('now', 'bp', '{\"kind\": 1}')")
    inbox = Inbox(journal)
    try:
        with pytest.raises(JournalError, match="not a tabletop command — it was changed by hand"):
            inbox.waiting()
    finally:
        inbox.close()


@pytest.mark.parametrize(("command", "reason"), [
    (CHOICE, None),
    (cmd.Decide(decision="D-2", option="stand-by"), "D-2 is sheriff's decision, not bp-sector's"),
    (cmd.Decide(decision="D-1", option="monitor", by="policy"), "a seat decides as its players"),
    (QUESTION, None),
    (cmd.Note(text="fine", author="evaluator"),
     "a seat's note is by its cells (bp-sector (player cell)) and on no objective"),
    (cmd.Note(text="met", author=seat_author("bp-sector"), objective="O-1"),
     "a seat's note is by its cells (bp-sector (player cell)) and on no objective"),
    (cmd.HandOff(agency="bp-sector", incident="watcher", to="sheriff"), None),
    (cmd.HandOff(agency="task-force", incident="watcher", to="sheriff"),
     "a seat moves for its own cells (bp-sector), not for task-force"),
    (cmd.FireInject(inject="M-02"), "'fire_inject' is the controller's to do, not a player "
                                    "cell's"),
    (cmd.End(reason="done"), "'end' is the controller's to do, not a player cell's"),
])
def test_a_seat_gives_only_its_own_cell_s_commands(command, reason):
    assert not_the_cells(command, ["bp-sector"], {"D-1": "bp-sector", "D-2": "sheriff"}) == reason


def test_a_table_playing_several_cells_has_one_seat_for_them_all():
    table = ["bp-sector", "sector-hq"]
    deciders = {"D-1": "bp-sector", "D-2": "sheriff"}
    assert seat_author(*table) == "bp-sector and sector-hq (player cells)"
    assert seat_of(["a", "b", "c"]) == "a, b and c"
    assert not_the_cells(cmd.AssumeLead(agency="sector-hq", incident="w"), table, deciders) \
        is None
    assert not_the_cells(CHOICE, table, deciders) is None
    assert not_the_cells(cmd.Note(text="?", author=seat_author(*table)), table, deciders) is None
    assert not_the_cells(QUESTION, table, deciders) == (
        "a seat's note is by its cells (bp-sector and sector-hq (player cells)) and on no "
        "objective")
    assert not_the_cells(cmd.Notify(agency="task-force", incident="w", to="bp-sector"), table,
                         deciders) == ("a seat moves for its own cells (bp-sector or "
                                       "sector-hq), not for task-force")
    assert not_the_cells(cmd.Decide(decision="D-2", option="x"), table, deciders) == (
        "D-2 is sheriff's decision, not bp-sector or sector-hq's")
