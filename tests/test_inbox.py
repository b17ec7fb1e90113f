"""The seats' inbox: a seat's choice is on disk when `send` returns, the console sees it
waiting until it answers, and each seat reads back its own choices with the answers."""

from __future__ import annotations

import pytest

from sim.errors import JournalError
from sim.inbox import Choice, Inbox, inbox_path


def test_a_choice_is_on_disk_for_the_console_once_sent_and_answered_back(tmp_path):
    journal = str(tmp_path / "ex.sqlite")
    seat, console = Inbox(journal), Inbox(journal)  # two processes' connections, in effect
    try:
        first = seat.send("bp-sector", "D-1", None, "monitor")
        second = seat.send("task-force", "D-3", "watcher", "follow")
        assert console.waiting() == [Choice(first, "bp-sector", "D-1", None, "monitor"),
                                     Choice(second, "task-force", "D-3", "watcher", "follow")]
        console.answer(first, 9.0, None)
        console.answer(second, 9.0, "decision D-3 is closed")
        assert console.waiting() == []
        assert seat.choices("bp-sector") == [
            Choice(first, "bp-sector", "D-1", None, "monitor", True, 9.0, None)]
        assert seat.choices("task-force")[0].refused == "decision D-3 is closed"
    finally:
        seat.close()
        console.close()
    assert inbox_path(journal) == str(tmp_path / "ex.inbox.sqlite")


def test_an_inbox_that_cannot_be_written_is_a_clear_error(tmp_path):
    with pytest.raises(JournalError, match="the seats' inbox cannot be used .* check that its "
                                           "folder is writable"):
        Inbox(str(tmp_path / "no-such-folder" / "ex.sqlite"))
