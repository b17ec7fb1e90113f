"""The seats' inbox: a seat's choice or note is on disk when `choose` or `write` returns,
the console sees it waiting until it answers, and each seat reads back what it sent with
the answers."""

from __future__ import annotations

import pytest

from sim.errors import JournalError
from sim.inbox import Inbox, Sent, inbox_path


def test_a_choice_is_on_disk_for_the_console_once_sent_and_answered_back(tmp_path):
    journal = str(tmp_path / "ex.sqlite")
    seat, console = Inbox(journal), Inbox(journal)  # two processes' connections, in effect
    try:
        first = seat.choose("bp-sector", "D-1", None, "monitor")
        second = seat.choose("task-force", "D-3", "watcher", "follow")
        third = seat.write("bp-sector", "Who holds the airspace over the ranch road?")
        assert console.waiting() == [
            Sent(first, "bp-sector", "D-1", None, "monitor"),
            Sent(second, "task-force", "D-3", "watcher", "follow"),
            Sent(third, "bp-sector", note="Who holds the airspace over the ranch road?")]
        console.answer(first, 9.0, None)
        console.answer(second, 9.0, "decision D-3 is closed")
        assert console.waiting() == [Sent(third, "bp-sector",
                                          note="Who holds the airspace over the ranch road?")]
        console.answer(third, 11.0, None)
        assert console.waiting() == []
        assert seat.sent_by("bp-sector") == [
            Sent(first, "bp-sector", "D-1", None, "monitor", None, True, 9.0, None),
            Sent(third, "bp-sector", None, None, None,
                 "Who holds the airspace over the ranch road?", True, 11.0, None)]
        assert seat.sent_by("task-force")[0].refused == "decision D-3 is closed"
    finally:
        seat.close()
        console.close()
    assert inbox_path(journal) == str(tmp_path / "ex.inbox.sqlite")


def test_an_inbox_that_cannot_be_written_is_a_clear_error(tmp_path):
    with pytest.raises(JournalError, match="the seats' inbox cannot be used .* check that its "
                                           "folder is writable"):
        Inbox(str(tmp_path / "no-such-folder" / "ex.sqlite"))
