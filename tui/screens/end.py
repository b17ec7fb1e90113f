"""Ending the exercise: asks first, with the reason that goes into the journal."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input, Static

from sim import commands as cmd
from tui.screens.form import CommandModal


class EndModal(CommandModal):
    """Confirm ending the exercise now."""

    HINT = "Enter: end the exercise · Esc: keep playing"

    def heading(self) -> str:
        return "End the exercise now?"

    def form(self) -> ComposeResult:
        yield Static("The clock stops for good and open decisions stay undecided. Notes can "
                     "still be written afterwards.", classes="prompt")
        yield Input(value="ended by the controller", id="reason", compact=True)
        yield Button("End the exercise", id="send", variant="error", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def submitted(self) -> None:
        """End the exercise with the reason given."""
        reason = self.query_one("#reason", Input).value.strip() or "ended by the controller"
        self.send(cmd.End(reason=reason))
