"""Nothing a facilitator entered is lost: a console killed outright (SIGKILL, no cleanup)
leaves a journal that `tabletop play --journal FILE` reopens in the same state."""

from __future__ import annotations

import os
import pathlib
import signal
import sys

from console_support import REFERENCE, PtyConsole, journal_commands, wait_until

from sim import commands as cmd
from sim.journal import Journal, canonical_lines
from sim.session import resume, start
from sim.yamlsource import read_text
from tui.app import make_console

TABLETOP = str(pathlib.Path(sys.executable).with_name("tabletop"))


def has_command(path, kind: str) -> bool | None:
    """True once a command of this kind is in the journal (read beside the running console)."""
    found = os.path.exists(path) and any(c.command.kind == kind for c in journal_commands(path))
    return True if found else None


async def test_a_killed_console_reopens_in_the_same_state(tmp_path):
    """Two steps and a decision in a real terminal, then SIGKILL: the reopened exercise has
    the same state and clock as a headless run of the same commands."""
    path = tmp_path / "killed.sqlite"
    console = PtyConsole([TABLETOP, "play", REFERENCE, "--seed", "7", "--journal", str(path)],
                         cwd=tmp_path)
    console.wait_for(b"PAUSED")
    mark = console.send(b"n")
    console.wait_for(b"T+5m", since=mark)
    mark = console.send(b"n")
    console.wait_for(b"D-1", since=mark)
    mark = console.send(b"d")
    console.wait_for(b"bp-sector decides", since=mark)
    console.send(b"\r")
    wait_until(lambda: has_command(path, "decide"), "the decision to reach the journal")
    status = console.kill(signal.SIGKILL)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    expected = start(read_text(REFERENCE), REFERENCE, 7, None)
    expected.step()
    expected.step()
    expected.submit(cmd.Decide(decision="D-1", option="monitor"))
    reopened = resume(str(path))
    assert (reopened.clock, reopened.state) == (expected.clock, expected.state)
    reopened.journal.close()

    app = make_console(None, str(path))  # and the console itself opens there, paused
    async with app.run_test():
        assert (app.session.clock, app.session.state) == (expected.clock, expected.state)
        journaled = Journal.open(str(path), readonly=True)
        assert list(canonical_lines(app.session.events)) == list(
            canonical_lines(journaled.events())), "the log shows what the journal holds"
        journaled.close()
        assert app.session.state.decided["D-1"].by == "player"
        assert not app.pace.running
