"""The fork modal, in review: "what if they had decided otherwise?" at the selected decision.

It lists the decision's options, the one taken in the journal marked; Enter asks the App to
fork there (`TabletopApp.fork_at`, a worker: the console never waits on it) and says so in
place. The App closes the modal when the comparison is ready, or hands it the reason the
fork was refused, shown in place like any refused command.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sim.fork import default_path
from sim.scenario import Decision
from sim.timeline import tplus
from tui.screens.form import CommandModal
from tui.sessions import DecisionPoint


class ForkModal(CommandModal):
    """Pick the option the fork takes at one decision of the journal under review."""

    HINT = "↑/↓: choose · Enter: fork with that option and compare · Esc: cancel"

    def __init__(self, decision: Decision, point: DecisionPoint, journal_path: str):
        super().__init__()
        self.decision, self.point, self.journal_path = decision, point, journal_path
        self.forking = False

    def heading(self) -> str:
        return f"Fork at {self.point.key} — what if {self.decision.cell} had decided otherwise?"

    def form(self) -> ComposeResult:
        yield Static(self.decision.prompt, classes="prompt")
        yield Static(self._outcome(), classes="quiet")
        options = []
        for option in self.decision.options:
            label = Text(option.id, style="bold")
            if self.point.made is not None and option.id == self.point.made.option:
                label.append("  ◆ taken in this exercise", style="bold cyan")
            if option.id == self.decision.default:
                label.append(" (default)", style="dim")
            label.append(f"\n{option.text}")
            options += [Option(label, id=option.id), None]
        yield OptionList(*options[:-1], id="options")
        name = os.path.basename(default_path(self.journal_path, self.point.key, "OPTION"))
        yield Static(f"The fork replays this exercise to {self.point.key}, takes the option "
                     "you pick and runs on to the end with the same seed, into a new journal "
                     f"beside this one ({name}); then both runs are compared.",
                     classes="quiet")
        yield Static("", id="forking", classes="quiet")

    def _outcome(self) -> str:
        """What the journal says became of the decision."""
        opened, made = self.point.opened, self.point.made
        if made is None:
            return (f"Opened at {tplus(opened.t)}; nobody decided before the journal stops, so "
                    "the fork takes its option as it opened.")
        return (f"Opened at {tplus(opened.t)}; '{made.option}' taken by {made.by} at "
                f"{tplus(made.t)}.")

    def on_mount(self) -> None:
        """Highlight the first option the exercise did not take."""
        taken = self.point.made.option if self.point.made else None
        ids = [o.id for o in self.decision.options]
        self.query_one(OptionList).highlighted = next(
            (n for n, option in enumerate(ids) if option != taken), 0)

    @on(OptionList.OptionSelected)
    def chosen(self, message: OptionList.OptionSelected) -> None:
        """Ask for the fork (once at a time) and say it is under way."""
        if self.forking:
            return
        self.forking = True
        self.query_one("#refusal", Static).remove_class("-shown")
        self.query_one("#forking", Static).update(
            f"Forking at {self.point.key} with '{message.option.id}': replaying the exercise "
            "and running it on…")
        self.app.fork_at(self.journal_path, self.point.key, message.option.id)

    def refused(self, reason: str) -> None:
        """The fork was refused: say why, in place, and let another option be tried."""
        self.forking = False
        self.query_one("#forking", Static).update("")
        self.complain(f"Refused: {reason}")
