"""The evaluator's note: who writes it, the text, and the objective it bears on (if any)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select

from sim import commands as cmd
from sim.scenario import Scenario
from tui.screens.form import CommandModal


class NoteModal(CommandModal):
    """Write a note into the journal, for the hotwash and the AAR/IP."""

    def __init__(self, scenario: Scenario, objective: str | None = None):
        super().__init__()
        self.scenario, self.objective = scenario, objective

    def heading(self) -> str:
        return "Evaluator note"

    def form(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Author", classes="field")
            yield Input(value="evaluator", id="author", compact=True)
        with Horizontal(classes="row"):
            yield Label("Objective", classes="field")
            yield Select([(f"{o.id} — {o.text}", o.id) for o in self.scenario.objectives],
                         id="objective", compact=True, prompt="none (a general note)",
                         value=self.objective or Select.NULL)
        yield Label("Note")
        yield Input(placeholder="What did the players do, say or miss?", id="text",
                    compact=True)
        yield Button("Save note", id="send", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def submitted(self) -> None:
        """Check the note and send it."""
        text = self.query_one("#text", Input).value.strip()
        author = self.query_one("#author", Input).value.strip()
        objective = self.query_one("#objective", Select).value
        if not text:
            self.complain("Write the note's text.")
            return
        if not author:
            self.complain("Say who writes the note (e.g. evaluator, controller).")
            return
        self.send(cmd.Note(text=text, author=author,
                           objective=None if objective == Select.NULL else objective))
