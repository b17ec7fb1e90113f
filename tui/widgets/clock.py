"""The clock bar along the top: the exercise's title, the wall-clock label and `T+`, and
whether the clock is running (at what speed), paused, ended or under review."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from sim.state import State
from sim.timeline import start_of, tplus, wall


class ClockBar(Static):
    """One line: title on the left, the clock and its status on the right."""

    def __init__(self, title: str, start_label: str, end_time: float, live: bool, **kwargs):
        super().__init__(**kwargs)
        self._title = title
        self._start = start_of(start_label)
        self._end = end_time
        self._live = live
        self._clock_running = False
        self._speed = 1
        self._clock = 0.0
        self._state = State()

    def show(self, state: State, clock: float) -> None:
        """Show the state's status at sim time `clock`."""
        self._state, self._clock = state, clock
        self.update(self._draw(), layout=False)

    def pace(self, running: bool, speed: int) -> None:
        """Show whether the clock runs, and how fast."""
        self._clock_running, self._speed = running, speed
        self.update(self._draw(), layout=False)

    def _draw(self) -> Table:
        """Title left; wall clock, T+, status and speed right."""
        right = Text(f"{wall(self._start, self._clock)}  ", style="bold")
        right.append(f"{tplus(self._clock)}", style="bold")
        right.append(f" / {tplus(self._end)}  ", style="dim")
        if not self._live:
            right.append(" REVIEW ", "bold black on bright_blue")
        elif self._state.ended:
            right.append(" ENDED ", "bold white on red")
        elif self._clock_running:
            right.append(" ▶ RUNNING ", "bold black on green")
        else:
            right.append(" ■ PAUSED ", "bold black on yellow")
        if self._live and not self._state.ended:
            right.append(f" {self._speed}×", style="bold")
        return title_and(self._title, right)


def title_and(title: str, right: Text) -> Table:
    """One line: the exercise's title on the left (cut short if need be), `right` right."""
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_row(Text(" " + title, style="bold"), right)
    return grid

