"""The decision modal: an open decision's prompt and options; Enter takes the highlighted
option for the decision's player cell."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sim import commands as cmd
from sim.scenario import Decision
from sim.state import OpenDecision
from sim.timeline import tplus
from tui.screens.form import CommandModal
from tui.widgets.msel import time_left


class DecisionModal(CommandModal):
    """Record which option the cell took."""

    HINT = "↑/↓: choose · Enter: record the choice · Esc: cancel"

    def __init__(self, decision: Decision, opened: OpenDecision, clock: float):
        super().__init__()
        self.decision, self.opened, self.clock = decision, opened, clock

    def heading(self) -> str:
        about = f" about {self.opened.incident}" if self.opened.incident else ""
        return f"Decision {self.decision.id} — {self.decision.cell} decides{about}"

    def form(self) -> ComposeResult:
        yield Static(self.decision.prompt, classes="prompt")
        when = Text(f"Deadline {tplus(self.opened.deadline)} "
                    f"({time_left(self.opened.deadline - self.clock)}); if nobody decides: ")
        when.append(self.decision.default, style="bold")
        yield Static(when, classes="quiet")
        options = []
        for option in self.decision.options:
            label = Text(option.id, style="bold")
            if option.id == self.decision.default:
                label.append(" (default)", style="dim")
            label.append(f"\n{option.text}")
            options += [Option(label, id=option.id), None]
        yield OptionList(*options[:-1], id="options")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def chosen(self, message: OptionList.OptionSelected) -> None:
        """Record the option for the decision's cell."""
        self.send(cmd.Decide(decision=self.decision.id, option=message.option.id))
