"""Pickers that change only the view, never the exercise: the log filter and, in review,
the jump to a time, a decision or a violation."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from sim import events as ev
from sim.timeline import describe, start_of, tplus
from sim.values import parse_duration
from tui.logfilter import LogFilter


class FilterModal(ModalScreen[LogFilter | None]):
    """Pick what the event log shows: type to narrow the list (a year of contacts offers
    thousands of incidents), ↑/↓ to choose, Enter to apply."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel"),
                Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False)]
    SHOWN = 200  # options listed at once: more only slow the picker down

    def __init__(self, filters: list[LogFilter], current: LogFilter):
        super().__init__()
        self.filters, self.current = filters, current
        self.labels = [f.label.lower() for f in filters]  # what typing is matched against
        self.listed: list[LogFilter] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Show in the event log", classes="heading")
            yield Input(placeholder="type to narrow: an incident, an agency, a kind…",
                        id="narrow", compact=True)
            yield OptionList(id="options")
            yield Static("", id="more", classes="hint")
            yield Static("↑/↓: choose · Enter: apply · Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.narrow("")

    @on(Input.Changed)
    def typed(self, message: Input.Changed) -> None:
        self.narrow(message.value)

    def narrow(self, text: str) -> None:
        """List the filters whose label holds every typed word (the current one first
        highlighted when it is listed)."""
        words = text.lower().split()
        matching = [f for f, label in zip(self.filters, self.labels, strict=True)
                    if all(w in label for w in words)]
        self.listed = matching[:self.SHOWN]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(f.label) for f in self.listed])
        options.highlighted = (self.listed.index(self.current) if self.current in self.listed
                               else 0 if self.listed else None)
        hidden = len(matching) - len(self.listed)
        self.query_one("#more", Static).update(
            f"… and {hidden:,} more: type to narrow" if hidden else "")

    def action_move(self, rows: int) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            options.highlighted = min(max(options.highlighted + rows, 0), len(self.listed) - 1)

    @on(Input.Submitted)
    def apply_highlighted(self) -> None:
        at = self.query_one(OptionList).highlighted
        if at is not None:
            self.dismiss(self.listed[at])

    @on(OptionList.OptionSelected)
    def chosen(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(self.listed[message.option_index])


def review_time(text: str, clock_start: str) -> float:
    """Sim minutes from what a reviewer types: `45m`, `1h10m`, `T+45m`, `90` or a wall
    clock label such as `02:45` (the first such time at or after the start)."""
    text = text.strip()
    if ":" in text:
        start = start_of(clock_start)
        try:
            hours, minutes = (int(x) for x in text.split(":"))
            at = datetime.combine(start.date(), datetime.min.time()) + timedelta(
                hours=hours, minutes=minutes)
        except ValueError:
            raise ValueError(f"'{text}' is not a clock time — write it as 02:45") from None
        if at < start:
            at += timedelta(days=1)
        return (at - start).total_seconds() / 60
    return parse_duration(text.removeprefix("T+").removeprefix("t+"))


class JumpModal(ModalScreen[float | None]):
    """Review the exercise at a typed time, or at a decision or violation from the list."""

    BINDINGS = [Binding("escape", "dismiss(None)", "cancel")]

    def __init__(self, landmarks: list[ev.Event], clock_start: str, end_time: float):
        super().__init__()
        self.landmarks, self.clock_start, self.end_time = landmarks, clock_start, end_time

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Review the exercise at…", classes="heading")
            yield Input(placeholder="a time: 45m, 1h10m, T+45m or 02:45 — then Enter",
                        id="time", compact=True)
            yield Static("", id="refusal")
            options = [Option(Text(f"{tplus(0):>8}  the start"), id="start")]
            options += [Option(Text(f"{tplus(e.t):>8}  {describe(e)}",
                                    style="red" if e.kind == "violation" else ""), id=str(n))
                        for n, e in enumerate(self.landmarks)]
            options.append(Option(Text(f"{tplus(self.end_time):>8}  the end"), id="end"))
            yield OptionList(*options, id="options")
            yield Static("Type a time and Enter, or Tab to the list · Esc: cancel",
                         classes="hint")

    @on(Input.Submitted)
    def typed(self, message: Input.Submitted) -> None:
        """Review at the typed time, or say what is wrong with it."""
        try:
            self.dismiss(review_time(message.value, self.clock_start))
        except ValueError as problem:
            refusal = self.query_one("#refusal", Static)
            refusal.update(str(problem))
            refusal.add_class("-shown")

    @on(OptionList.OptionSelected)
    def chosen(self, message: OptionList.OptionSelected) -> None:
        picked = message.option.id
        self.dismiss(0.0 if picked == "start" else self.end_time if picked == "end"
                     else self.landmarks[int(picked)].t)
