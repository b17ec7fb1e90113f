"""Holding an MSEL inject: the inject as the MSEL lists it, why it is held — the MSEL
deviation the AAR/IP explains (the players are already on it, the room needs time) — and,
to push it back rather than keep it for the controller's hand, for how long."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from sim import commands as cmd
from sim.scenario import Inject
from sim.state import State
from tui.screens.form import CommandModal
from tui.screens.inject import inject_label


class HoldModal(CommandModal):
    """Hold one inject, with an optional reason, for good or for a while."""

    HINT = "Enter: hold it · Esc: cancel"

    def __init__(self, inject: Inject, state: State):
        super().__init__()
        self.inject, self.state = inject, state

    def heading(self) -> str:
        return f"Hold inject {self.inject.id}?"

    def form(self) -> ComposeResult:
        yield Static(inject_label(self.inject, self.state), classes="prompt")
        yield Static("Held, it does not fire by itself: fire it by hand (Enter in the inject "
                     "list), release it (h there), or hold it only for a while.",
                     classes="prompt")
        with Horizontal(classes="row"):
            yield Label("Why", classes="field")
            yield Input(placeholder="for the AAR/IP; may stay empty", id="why", compact=True)
        with Horizontal(classes="row"):
            yield Label("For", classes="field")
            yield Input(placeholder="empty: until released; 20m: it fires by itself then",
                        id="for", compact=True)
        yield Button("Hold the inject", id="send", variant="warning", compact=True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def submitted(self) -> None:
        held_for = self.query_one("#for", Input).value.strip()
        try:  # the command's own check of the length: a duration, and not zero
            command = cmd.HoldInject.model_validate({
                "inject": self.inject.id, "for": held_for or None,
                "why": self.query_one("#why", Input).value.strip()})
        except ValidationError as error:
            self.complain(f"For: {error.errors()[0]['msg']}")
            return
        self.send(command)
