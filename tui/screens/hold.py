"""Holding an MSEL inject: the inject as the MSEL lists it, and why it is held — the MSEL
deviation the AAR/IP explains (the players are already on it, the room needs time)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input, Static

from sim import commands as cmd
from sim.scenario import Inject
from sim.state import State
from tui.screens.form import CommandModal
from tui.screens.inject import inject_label


class HoldModal(CommandModal):
    """Hold one inject, with an optional reason."""

    HINT = "Enter: hold it · Esc: cancel"

    def __init__(self, inject: Inject, state: State):
        super().__init__()
        self.inject, self.state = inject, state

    def heading(self) -> str:
        return f"Hold inject {self.inject.id}?"

    def form(self) -> ComposeResult:
        yield Static(inject_label(self.inject, self.state), classes="prompt")
        yield Static("It will not fire by itself; fire it by hand with Enter in the inject "
                     "list, or release it with h there.", classes="prompt")
        yield Input(placeholder="Why hold it? (for the AAR/IP; may stay empty)", id="why",
                    compact=True)
        yield Button("Hold the inject", id="send", variant="warning", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def submitted(self) -> None:
        self.send(cmd.HoldInject(inject=self.inject.id,
                                 why=self.query_one("#why", Input).value.strip()))
