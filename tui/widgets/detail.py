"""The line under the log: the event under the log's cursor, in full (wrapped)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from sim import events as ev
from sim.timeline import describe, tplus, wall


class EventDetail(Static):
    """`#seq  HH:MM T+…  the whole sentence` of the highlighted event (two lines at most)."""

    DEFAULT_CSS = "EventDetail { height: 2; }"

    def __init__(self, start: datetime, **kwargs):
        super().__init__(**kwargs)
        self._start = start

    def show(self, event: ev.Event | None) -> None:
        """Show one event in full, or nothing."""
        if event is None:
            self.update("", layout=False)
            return
        text = Text(f"#{event.seq} ", style="dim")
        text.append(f"{wall(self._start, event.t)} {tplus(event.t)}  ", style="bold")
        text.append(describe(event))
        self.update(text, layout=False)  # a fixed height: no layout on every cursor move
