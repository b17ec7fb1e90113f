"""The hotwash rating: an evaluator confirms or overrides an objective's proposed HSEEP rating
(P, S, M, U), as `tabletop rate` does from the shell. The form opens on the proposal with
the cursor under Why, so confirming it is Enter; an override needs a reason there, because
the AAR/IP shows both."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from sim import commands as cmd
from sim import events as ev
from sim.rating import RATINGS, Proposal, RatingRefused, checked
from sim.scenario import Scenario
from tui.screens.form import CommandModal


class RateModal(CommandModal):
    """Journal an evaluator's rating of one objective."""

    AUTO_FOCUS = "#why"

    def __init__(self, scenario: Scenario, proposed: Mapping[str, Proposal],
                 rated: Mapping[str, ev.ObjectiveRated], objective: str | None = None):
        super().__init__()
        self.scenario, self.proposed, self.rated = scenario, proposed, rated
        unrated = [o.id for o in scenario.objectives if o.id not in rated]
        self.objective = objective or (unrated or [scenario.objectives[0].id])[0]

    def heading(self) -> str:
        return "Rate an objective (HSEEP)"

    def form(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Objective", classes="field")
            yield Select([(f"{o.id} — {o.text}", o.id) for o in self.scenario.objectives],
                         id="objective", compact=True, allow_blank=False, value=self.objective)
        yield Static(id="proposal", classes="quiet")
        with Horizontal(classes="row"):
            yield Label("Rating", classes="field")
            yield Select([(f"{r} — {meaning}", r) for r, meaning in RATINGS.items()],
                         id="rating", compact=True, allow_blank=False,
                         value=self.proposed[self.objective].rating)
        with Horizontal(classes="row"):
            yield Label("Evaluator", classes="field")
            yield Input(value="evaluator", id="by", compact=True)
        yield Label("Why")
        yield Input(placeholder="needed when you override the proposed rating", id="why",
                    compact=True)
        yield Button("Record rating", id="send", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._show_proposal()

    @on(Select.Changed, "#objective")
    def objective_changed(self, changed: Select.Changed) -> None:
        """Another objective: start again from its proposal."""
        self.objective = str(changed.value)
        self.query_one("#rating", Select).value = self.proposed[self.objective].rating
        self._show_proposal()

    def _show_proposal(self) -> None:
        proposal = self.proposed[self.objective]
        text = Text("Proposed: ")
        text.append(f"{proposal.rating} — {RATINGS[proposal.rating]}", style="bold")
        text.append(f"\n{proposal.why}")
        if self.objective in self.rated:
            earlier = self.rated[self.objective]
            text.append(f"\nRated {earlier.rating} by {earlier.by} already; a new rating "
                        "replaces it.", style="yellow")
        self.query_one("#proposal", Static).update(text)

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def submitted(self) -> None:
        """Check the rating and journal it."""
        rating = str(self.query_one("#rating", Select).value)
        by = self.query_one("#by", Input).value.strip()
        why = self.query_one("#why", Input).value.strip()
        if not by:
            self.complain("Say who rates (the evaluator's name or role).")
            return
        try:
            checked(self.proposed, self.objective, rating, why,
                    how_to_say_why="write it under Why")
        except RatingRefused as refused:
            self.complain(str(refused))
            return
        self.send(cmd.Rate(objective=self.objective, rating=rating, by=by, why=why))
