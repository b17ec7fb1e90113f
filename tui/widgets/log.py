"""The event log: one line per event in the exercise's words, newest at the bottom.

It is a virtualised view (Textual's line API): only the lines on screen are rendered,
so a journal of a hundred thousand events scrolls and filters at key-press speed. The log
reads the run's record of events (it never copies or changes it) and shows its first
`shown` events — all of them when live, those up to the review clock in review mode.
A cursor row picks one event, shown in full below the log; Enter on it posts `Chosen`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sim import events as ev
from sim.timeline import line
from tui.logfilter import ALL, EventIndex, LogFilter

KIND_STYLES = {
    "violation": "bold red",
    "lead_gap": "bold yellow",
    "lead_gap_closed": "green",
    "decision_opened": "bold cyan",
    "decision_made": "cyan",
    "inject_delivered": "magenta",
    "inject_held": "magenta",
    "inject_released": "magenta",
    "note": "green",
    "objective_rated": "green",
    "exercise_started": "bold",
    "exercise_ended": "bold",
    "exercise_paused": "bold",
    "exercise_resumed": "bold",
    "channel_down": "yellow",
    "agency_withdrawn": "yellow",
    "handoff_declined": "yellow",
    "message_undeliverable": "yellow",
}


class EventLog(ScrollView, can_focus=True, inherit_bindings=False):
    """The record of events as lines, filtered, with a cursor that follows the newest.
    (Its own keys only: ← and → stay free for the review timeline.)"""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "follow", "Newest", show=False),
        Binding("enter", "choose", "Choose", show=False),
    ]
    DEFAULT_CSS = """
    EventLog { overflow-x: hidden; overflow-y: scroll; }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor rests on `event` (None when the log is empty)."""

        event: ev.Event | None

    @dataclass
    class Chosen(Message):
        """The reader pressed Enter (or clicked twice) on `event`."""

        event: ev.Event

    def __init__(self, record: Sequence[ev.Event], start: datetime, **kwargs):
        super().__init__(**kwargs)
        self._record = record
        self._index = EventIndex(record)
        self._start = start
        self._filter = ALL
        self._shown = 0
        self._rows: list[int] = []  # record indices that pass the filter (unused for ALL)
        self._cursor: int | None = None  # a row number, or None to follow the newest
        self._strips: LRUCache[tuple[int, int, bool], Strip] = LRUCache(2048)

    # ------------------------------------------------------------------ what to show

    @property
    def filter(self) -> LogFilter:
        return self._filter

    @property
    def row_count(self) -> int:
        return self._shown if self._filter is ALL else len(self._rows)

    def show(self, shown: int) -> None:
        """Show the record's first `shown` events (under the filter)."""
        if shown == self._shown:
            return
        self._index.catch_up(shown)
        if self._filter is not ALL:
            if shown < self._shown:
                del self._rows[bisect.bisect_left(self._rows, shown):]
            else:
                self._rows += self._index.select(self._filter, self._shown, shown)
        self._shown = shown
        self._layout()

    def set_filter(self, log_filter: LogFilter) -> None:
        """Show only the events the filter matches (looked up in the index of the record)."""
        self._filter = ALL if log_filter == ALL else log_filter
        self._rows = [] if self._filter is ALL else self._index.select(log_filter, 0,
                                                                         self._shown)
        self._cursor = None
        self._layout()

    def _layout(self) -> None:
        """Resize the scrollable area to the rows; when following, show the newest."""
        count = self.row_count
        self.virtual_size = Size(self.scrollable_content_region.width, count)
        if self._cursor is not None and self._cursor >= count:
            self._cursor = None
        if self._cursor is None:
            self.scroll_to(y=max(0, count - self.scrollable_content_region.height),
                           animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self._event_at(self.cursor_row)))

    # ------------------------------------------------------------------ the cursor

    @property
    def cursor_row(self) -> int:
        return self.row_count - 1 if self._cursor is None else self._cursor

    @property
    def highlighted(self) -> ev.Event | None:
        """The event under the cursor (None when the log is empty)."""
        return self._event_at(self.cursor_row)

    def _event_at(self, row: int) -> ev.Event | None:
        """The event on a row (None past the end)."""
        if not 0 <= row < self.row_count:
            return None
        return self._record[row if self._filter is ALL else self._rows[row]]

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row`, scrolling it into view; the last row follows the newest."""
        count, was = self.row_count, self.cursor_row
        row = min(max(row, 0), max(count - 1, 0))
        self._cursor = None if row >= count - 1 else row
        top, height = round(self.scroll_offset.y), self.scrollable_content_region.height
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
            self.refresh()
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)
            self.refresh()
        else:  # only the two rows the cursor left and reached change
            for changed in (was, row):
                self.refresh(Region(0, changed - top, self.size.width, 1))
        self.post_message(self.Highlighted(self._event_at(row)))

    def action_cursor(self, delta: int) -> None:
        """Move the cursor up or down by some rows."""
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor by a screenful."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(self.cursor_row + direction * page)

    def action_cursor_to(self, row: int) -> None:
        """Put the cursor on a given row."""
        self.move_cursor(row)

    def action_follow(self) -> None:
        """Follow the newest event again."""
        self.move_cursor(self.row_count - 1)

    def action_choose(self) -> None:
        """Choose the event under the cursor."""
        event = self._event_at(self.cursor_row)
        if event is not None:
            self.post_message(self.Chosen(event))

    def on_click(self, click: Click) -> None:
        """A click puts the cursor on a line; a second click on it chooses it."""
        row = round(self.scroll_offset.y) + click.y
        if row < self.row_count:
            if click.chain > 1:
                self.action_choose()
            self.move_cursor(row)

    def on_resize(self, _: Resize) -> None:
        """The width changed: lines are re-cut to it."""
        self._layout()

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        """Render one visible line (cached per event, width and cursor)."""
        row = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if row >= self.row_count:
            return Strip.blank(width, self.rich_style)
        index = row if self._filter is ALL else self._rows[row]
        key = (index, width, row == self.cursor_row)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strip(self._record[index], width, key[2])
            self._strips[key] = strip
        return strip.apply_offsets(0, row)

    def _strip(self, event: ev.Event, width: int, under_cursor: bool) -> Strip:
        """One event's line, cut to the width and styled by its kind."""
        text = Text(line(self._start, event), no_wrap=True, overflow="ellipsis", end="")
        text.truncate(width, overflow="ellipsis", pad=True)
        if event.kind in KIND_STYLES:  # a span: Text.render ignores a Text's own style
            text.stylize(KIND_STYLES[event.kind])
        base = self.rich_style
        if under_cursor:
            base += Style(reverse=True) if self.has_focus else Style(underline=True)
        return Strip(text.render(self.app.console, end=""), width).apply_style(base)

    def on_focus(self) -> None:
        """The cursor row is drawn reversed while the log has the keyboard."""
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        """…and underlined otherwise."""
        self._strips.clear()
        self.refresh()
