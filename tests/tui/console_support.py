"""Helpers for the console's tests: the reference scenario, the journal read back, and
driving the clock and the forms the way a facilitator would."""

from __future__ import annotations

import fcntl
import html
import os
import pathlib
import pty
import re
import struct
import termios
import threading
import time

from textual.pilot import Pilot

from sim import events as ev
from sim.journal import CommandRecord, Journal

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED_REFERENCE = ROOT.parent / "shared" / "examples" / "river-watch.yaml"
BUNDLED_REFERENCE = ROOT / "scenarios" / "watcher-across-the-river.yaml"
REFERENCE = str(SHARED_REFERENCE if SHARED_REFERENCE.exists() else BUNDLED_REFERENCE)


def journal_commands(path) -> list[CommandRecord]:
    """The commands a journal holds (refused ones included), read back from disk."""
    journal = Journal.open(str(path), readonly=True)
    try:
        return journal.commands()
    finally:
        journal.close()


def journal_events(path) -> list[ev.Event]:
    """The events a journal holds, read back from disk."""
    journal = Journal.open(str(path), readonly=True)
    try:
        return journal.events()
    finally:
        journal.close()


def screen_text(app) -> str:
    """What the app's screen shows, as plain text lines (from its SVG screenshot)."""
    svg = app.export_screenshot()
    rows = re.findall(r'<text class="[^"]*" x="[^"]*" y="([^"]*)"[^>]*>(.*?)</text>', svg)
    lines: dict[float, str] = {}
    for y, text in rows:
        lines[float(y)] = lines.get(float(y), "") + html.unescape(text).replace("\xa0", " ")
    return "\n".join(lines[y] for y in sorted(lines))


async def step_until(pilot: Pilot, done, limit: int = 30) -> None:
    """Press `n` (step to the next event) until `done()` holds."""
    for _ in range(limit):
        if done():
            return
        await pilot.press("n")
    raise AssertionError("the exercise never got there by stepping")


def wait_until(condition, what: str, timeout: float = 30.0):
    """Poll another process's progress until `condition()` gives something other than None
    (a console in a terminal cannot be awaited, only watched)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found is not None:
            return found
        time.sleep(0.02)
    raise AssertionError(f"waited {timeout:g}s for {what}")


class PtyConsole:
    """`tabletop …` running in a pseudo-terminal of a given size, as a facilitator's
    terminal would run it: keys go in, the screen's bytes come out (read continuously, so
    the console never blocks on a full terminal)."""

    def __init__(self, argv: list[str], cwd, size: tuple[int, int] = (100, 30)):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the console
            os.chdir(cwd)
            os.environ.update(TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
            os.execv(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def wait_for(self, text: bytes, since: int = 0, timeout: float = 30.0) -> int:
        """Wait until the console has written `text` (after byte `since`); returns where."""
        def position() -> int | None:
            with self._lock:
                at = self.output.find(text, since)
            return at if at >= 0 else None

        return wait_until(position, f"the console to show {text!r}", timeout)

    def send(self, keys: bytes) -> int:
        """Type keys; returns the output position before them (for `wait_for`)."""
        with self._lock:
            mark = len(self.output)
        os.write(self.fd, keys)
        return mark

    def kill(self, signal_number: int) -> int:
        """Send a signal and reap the process; returns its wait status."""
        os.kill(self.pid, signal_number)
        return os.waitpid(self.pid, 0)[1]

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for the console to exit on its own; returns its exit code."""
        def exited() -> int | None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            return os.waitstatus_to_exitcode(status) if pid else None

        return wait_until(exited, "the console to exit", timeout)
