"""The review timeline: the whole exercise as one bar, with its decisions (◆) and
violations (✖) marked and the review clock (▲) on it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

from sim import events as ev
from sim.timeline import tplus

MARKS = {"decision_opened": ("◇", "cyan"), "decision_made": ("◆", "bold cyan"),
         "violation": ("✖", "bold red")}


class Timeline(Widget):
    """Two lines: the bar with its landmarks, and the clock's place on it."""

    DEFAULT_CSS = "Timeline { height: 2; }"

    def __init__(self, landmarks: Sequence[ev.Event], end_time: float, **kwargs):
        super().__init__(**kwargs)
        self._landmarks = landmarks
        self._end = max(end_time, 1e-9)
        self._clock = 0.0
        self._seq = 0

    def show(self, seq: int, clock: float) -> None:
        """Put the review clock at `clock` (having shown `seq` events)."""
        self._clock, self._seq = clock, seq
        self.refresh()

    def render(self) -> Text:
        width = max(self.size.width, 10)
        cells = [("─", "dim")] * width
        for event in self._landmarks:
            mark = MARKS.get(event.kind)
            if mark:
                at = self._column(event.t, width)
                if cells[at][0] != "✖":  # a violation mark wins a shared cell
                    cells[at] = mark
        bar = Text()
        for char, style in cells:
            bar.append(char, style)
        label = f"▲ {tplus(self._clock)} · event {self._seq}"
        start = min(self._column(self._clock, width), max(0, width - len(label)))
        plain = [" "] * width
        for column, words in ((0, tplus(0)), (width - len(tplus(self._end)), tplus(self._end)),
                              (start, label)):
            plain[column:column + len(words)] = words
        pointer = Text("".join(plain)[:width], style="dim")
        pointer.stylize("bold", start, start + len(label))
        return Text("\n").join([bar, pointer])

    def _column(self, t: float, width: int) -> int:
        """The bar's column for sim time `t`."""
        return min(width - 1, max(0, round(t / self._end * (width - 1))))
