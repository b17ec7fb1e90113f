"""The console in a real terminal (tmux): keys typed, the screen read back with
`capture-pane`. Runs where tmux is installed (CI installs it), skipped elsewhere."""

from __future__ import annotations

import itertools
import os
import pathlib
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager

import pytest
from console_support import REFERENCE, ROOT, journal_commands, journal_events, wait_until

TABLETOP = str(pathlib.Path(sys.executable).with_name("tabletop"))
SESSIONS = itertools.count(1)  # tmux session names: a test may run two terminals
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One detached tmux session running a command in a window of a given size."""

    def __init__(self, command: str, size: tuple[int, int]):
        self.name = f"tabletop-test-{os.getpid()}-{next(SESSIONS)}"
        width, height = map(str, size)
        # COLUMNS and LINES win over the window's size in Textual, and the test process may
        # carry stale ones (GNU readline, imported under pytest, exports 80x24): tell it the size.
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", width, "-y", height,
                        "-e", f"COLUMNS={width}", "-e", f"LINES={height}", command], check=True)

    def screen(self) -> str:
        """The text on screen now."""
        done = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True)
        return done.stdout

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, pattern: str) -> re.Match:
        """Wait until the screen matches a regular expression."""
        return wait_until(lambda: re.search(pattern, self.screen()), f"/{pattern}/ on screen")

    def step_until(self, text: str, limit: int = 10) -> None:
        """Press `n` (step to the next event), a screen change at a time, until `text` is
        on screen."""
        for _ in range(limit):
            if text in self.screen():
                return
            before = self.screen()
            self.send("n")
            wait_until(lambda before=before: self.screen() != before or None, "a step")
        raise AssertionError(f"{text!r} not on screen after {limit} steps")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name],
                              capture_output=True).returncode == 0

    def quit(self) -> None:
        """Quit the console with `q`, as a facilitator does."""
        self.send("q")
        wait_until(lambda: not self.alive() or None, "the console to quit")

    def close(self) -> None:
        if self.alive():
            subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def playing(tmp_path, journal, size: tuple[int, int]) -> Tmux:
    """The console on the reference scenario (seed 7), journaled to `journal`."""
    return Tmux(f"cd {tmp_path} && {TABLETOP} play {REFERENCE} --seed 7 --journal {journal}",
                size)


def clock(screen: str) -> int:
    """The minutes since T+0 shown in the clock bar (the first line)."""
    hours, minutes = re.search(r"T\+(?:(\d+)h)?(\d+)m", screen.splitlines()[0]).groups()
    return int(hours or 0) * 60 + int(minutes)


def test_the_clock_runs_and_a_decision_is_recorded_in_a_real_terminal(tmp_path):
    """At 60× the clock visibly moves; stepping to D-1, `d` and Enter record the decision,
    on screen and in the journal."""
    path = tmp_path / "tmux.sqlite"
    tmux = playing(tmp_path, path, (100, 30))
    try:
        tmux.wait_for(r"PAUSED")
        assert clock(tmux.screen()) == 0
        tmux.send("+", "+", "+", "+", "+", "Space")  # 60× real time: a minute a second
        tmux.wait_for(r"RUNNING\s+60×")
        wait_until(lambda: clock(tmux.screen()) >= 1 or None, "the clock to move")
        tmux.send("Space")
        tmux.wait_for(r"PAUSED")
        tmux.step_until("records the oldest decision")
        tmux.send("d")
        tmux.wait_for(r"Decision D-1 — bp-sector decides")
        tmux.send("Enter")
        tmux.wait_for(r"Decision D-1: bp-sector takes 'monitor'")
        tmux.quit()
    finally:
        tmux.close()
    decided = [c.command for c in journal_commands(path) if c.command.kind == "decide"]
    assert [(d.decision, d.option, d.by) for d in decided] == [("D-1", "monitor", "player")]
    assert any(e.kind == "decision_made" and e.by == "player" for e in journal_events(path))


def test_the_hotwash_rates_an_objective_in_a_real_terminal(tmp_path):
    """Ended with `E`, `r` shows the first objective's proposed rating and Enter records it:
    the objectives panel says so, and the journal holds it."""
    path = tmp_path / "tmux.sqlite"
    tmux = playing(tmp_path, path, (120, 36))
    try:
        tmux.wait_for(r"PAUSED")
        tmux.send("E")
        tmux.wait_for(r"End the exercise")
        tmux.send("Enter")
        tmux.wait_for(r"ENDED")
        proposed = rate_the_first_objective(tmux)
        tmux.quit()
    finally:
        tmux.close()
    assert ratings(path) == [("O-1", proposed, "evaluator")]


def rate_the_first_objective(tmux: Tmux) -> str:
    """`r`, then Enter on the proposal; the objectives panel shows it. The rating given."""
    tmux.send("r")
    proposed = tmux.wait_for(r"Proposed: ([PSMU]) — ").group(1)
    tmux.send("Enter")
    tmux.wait_for(rf"O-1 +(?:NOT )?MET +rated {proposed} by evaluator")
    return proposed


def ratings(path) -> list[tuple[str, str, str]]:
    """(objective, rating, by) of each rating in the journal."""
    return [(c.command.objective, c.command.rating, c.command.by)
            for c in journal_commands(path) if c.command.kind == "rate"]


def test_a_variant_with_a_set_value_is_named_and_rated_in_review_in_a_real_terminal(tmp_path):
    """`run --variant --set` to a journal, then `review` it: the clock bar names the policy it
    ran under, and `r`, Enter adds a rating to the journal."""
    path = tmp_path / "era-a.sqlite"
    band = str(ROOT / "scenarios" / "quiet-on-the-shared-band.yaml")
    subprocess.run([str(TABLETOP), "run", band, "--variant", "era-a", "--set",
                    "channels.bilateral liaison.latency=5m", "--journal", str(path)],
                   check=True, capture_output=True)
    tmux = Tmux(f"cd {tmp_path} && {TABLETOP} review {path}", (140, 36))
    try:
        tmux.wait_for(r"Quiet on the shared band — variant era-a; channels\.bilateral "
                      r"liaison\.latency=5m")
        proposed = rate_the_first_objective(tmux)
        tmux.quit()
    finally:
        tmux.close()
    assert ratings(path) == [("O-1", proposed, "evaluator")]


def test_an_inject_held_and_released_in_a_real_terminal(tmp_path):
    """`i` lists the MSEL's injects still to come, `h` holds the first (M-01, due at T+5m):
    the MSEL panel then says `held M-01`; `i`, `h` again releases it, and the panel shows
    it due at T+5m again. The journal holds both."""
    path = tmp_path / "tmux.sqlite"
    tmux = playing(tmp_path, path, (120, 36))
    try:
        tmux.wait_for(r"T\+5m M-01")
        tmux.send("i")
        tmux.wait_for(r"Fire an MSEL inject now")
        tmux.send("h")
        tmux.wait_for(r"Hold inject M-01\?")
        tmux.send("room needs time", "Enter")
        tmux.wait_for(r"held M-01")
        tmux.send("i")
        tmux.wait_for(r"Fire an MSEL inject now")
        tmux.send("h")
        tmux.wait_for(r"Inject M-01 released by the controller")
        tmux.wait_for(r"T\+5m M-01")
        tmux.quit()
    finally:
        tmux.close()
    assert [c.command.kind for c in journal_commands(path)] == ["hold_inject", "release_inject"]
    assert [(e.kind, e.inject) for e in journal_events(path) if e.kind.startswith("inject_")] == [
        ("inject_held", "M-01"), ("inject_released", "M-01")]
    assert [e.why for e in journal_events(path) if e.kind == "inject_held"] == ["room needs time"]


@contextmanager
def beside_the_console(tmp_path, path, command: str, size: tuple[int, int] = (100, 30)):
    """The console on the reference scenario (paused at T+0, journaled to `path`) and, in
    another terminal, `tabletop COMMAND`; both quit at the end, and closed whatever
    happens."""
    console = playing(tmp_path, path, (120, 36))
    other = None
    try:
        console.wait_for(r"PAUSED")
        other = Tmux(f"cd {tmp_path} && {TABLETOP} {command}", size)
        yield console, other
        other.quit()
        console.quit()
    finally:
        console.close()
        if other is not None:
            other.close()


def test_the_players_screen_follows_the_console_in_another_terminal(tmp_path):
    """The console in one terminal, `tabletop display` on its journal in another: stepping
    the console to M-01 (T+5m) puts M-01's text on the players' screen, and nothing of the
    MSEL still to come (M-02 at T+12m) is there."""
    path = tmp_path / "tmux.sqlite"
    with beside_the_console(tmp_path, path, f"display {path}") as (console, players):
        players.wait_for(r"No inject yet")
        console.step_until("Inject M-01")
        players.wait_for(r"Radar reports a slow, low contact holding over the far bank")
        assert "M-02" not in players.screen()


def test_a_cell_decides_at_its_own_seat_in_another_terminal(tmp_path):
    """The console in one terminal, bp-sector's seat on its journal in another: once the
    console reaches D-1, the seat shows it; Enter on an option there is journaled by the
    console as bp-sector's decision, and the seat says it was recorded. A note written
    there (`w`) and a move made there (`m`: the lead on the watcher) are journaled as
    bp-sector's too."""
    path = tmp_path / "tmux.sqlite"
    with beside_the_console(tmp_path, path, f"seat {path} --cell bp-sector",
                            (110, 32)) as (console, seat):
        seat.wait_for(r"No decision is open for you")
        console.step_until("records the oldest decision")
        seat.wait_for(r"D-1 · \d+ minutes? left")
        seat.send("Down", "Enter")
        seat.wait_for(r"D-1 → \S+: recorded at T\+\d+m")
        console.wait_for(r"From bp-sector's seat: D-1")
        seat.send("w")
        seat.send("-l", "Who leads?")
        seat.send("Enter")
        seat.wait_for(r"note “Who leads\?”: recorded at T\+\d+m")
        seat.send("m")
        seat.wait_for(r"A move by bp-sector")
        seat.send("Tab", "Tab", "Tab", "Enter")  # past the move, the cell, the incident
        seat.wait_for(r"take the lead on watcher: recorded at")
    decided = [c.command for c in journal_commands(path) if c.command.kind == "decide"]
    assert [(d.decision, d.by) for d in decided] == [("D-1", "player")]
    [note] = [c.command for c in journal_commands(path) if c.command.kind == "note"]
    [lead] = [c.command for c in journal_commands(path) if c.command.kind == "assume_lead"]
    assert lead.agency == "bp-sector"
    assert (note.author, note.text) == ("bp-sector (player cell)", "Who leads?")
