"""`CommandModal`: the small form behind every facilitator action.

It sends one command through the App (`TabletopApp.submit`, which goes to
`Exercise.submit`); it closes only once the command is journaled and accepted. A refusal
(or a form left incomplete) is shown in place, in red, and the form stays open.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from sim.engine import Refused


class Dialog(VerticalScroll, can_focus=False):
    """The frame of a modal: scrolls with the mouse when the terminal is short, and never
    takes the focus from the fields inside it."""


class CommandModal(ModalScreen[bool]):
    """A titled dialog: a form, a line for refusals, and a hint of the keys."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]
    AUTO_FOCUS = "OptionList, SelectionList, Select, Input"
    HINT = "Enter: send · Tab: next field · Esc: cancel"

    def heading(self) -> str:
        """The dialog's title."""
        raise NotImplementedError

    def form(self) -> ComposeResult:
        """The dialog's fields."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Dialog(classes="dialog"):
            yield Label(self.heading(), classes="heading")
            yield from self.form()
            yield Static("", id="refusal")
            yield Static(self.HINT, classes="hint")

    def send(self, command: Any) -> bool:
        """Submit the command; close when accepted, show the reason when refused."""
        result = self.app.submit(command)
        if isinstance(result, Refused):
            self.complain(f"Refused: {result.reason}")
            return False
        self.dismiss(True)
        return True

    def complain(self, text: str) -> None:
        """Show what stops the command, in place."""
        refusal = self.query_one("#refusal", Static)
        refusal.update(text)
        refusal.add_class("-shown")

    def action_cancel(self) -> None:
        self.dismiss(False)
