"""The player-move form: a move outside the script (assume lead, hand off, notify, share
data, request, coordinate, act), built by picking the cell, the incident and the target from
lists — no ids to type. The console records any cell's move; a cell's seat, its own."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Label, Select

from sim import commands as cmd
from sim.inbox import seat_of
from sim.scenario import Scenario
from sim.state import State
from tui.actions import moves
from tui.screens.form import CommandModal

# which fields each move uses, and what its target agency is called
FIELDS = {
    "assume_lead": (),
    "handoff": ("target",),
    "notify": ("target",),
    "share": ("target", "data"),
    "request": ("target", "action"),
    "coordinate": ("target", "domain"),
    "act": ("action", "flags"),
}
TARGET = {"handoff": ("to", "Hand the lead to"), "notify": ("to", "Notify"),
          "share": ("to", "Share with"),
          "request": ("by", "Ask this agency to act"),
          "coordinate": ("with", "Coordinate with (resource owner)")}


def resources(scenario: Scenario) -> list[str]:
    """The shared resources the scenario names (what coordination can be about)."""
    found = {r for z in scenario.zones for r in z.coordination}
    found |= {r for a in scenario.actions for r in a.touches}
    return sorted(found)


class MoveModal(CommandModal):
    """Record a move a player cell makes outside the MSEL's decisions (one of `cells` when
    given: at their seat)."""

    HINT = "Tab: next field · Enter on a list: pick · Record: send · Esc: cancel"

    def __init__(self, scenario: Scenario, state: State, kind: str = "assume_lead",
                 cells: tuple[str, ...] = ()):
        super().__init__()
        self.scenario, self.state, self.kind, self.cells = scenario, state, kind, cells

    def heading(self) -> str:
        return f"A move by {seat_of(self.cells)}" if self.cells else "Record a player move"

    def form(self) -> ComposeResult:
        agencies = [(a.id, a.id) for a in self.scenario.agencies
                    if a.id not in self.state.withdrawn and (not self.cells or a.id in self.cells)]
        # at a seat, only what has been detected: the players must not learn of the rest
        present = [(i.id, i.id) for i in self.state.incidents.values()
                   if i.present and (not self.cells or i.detected_by is not None)]
        with Horizontal(classes="row"):
            yield Label("Move", classes="field")
            yield Select([(label, kind) for kind, label in moves(self.scenario).items()],
                         value=self.kind,
                         allow_blank=False, id="kind", compact=True)
        with Horizontal(classes="row"):
            yield Label("Player cell", classes="field")
            yield Select(agencies, id="agency", compact=True, prompt="which agency moves",
                         value=agencies[0][1] if self.cells and len(agencies) == 1
                         else Select.NULL)
        with Horizontal(classes="row"):
            yield Label("Incident", classes="field")
            yield Select(present, id="incident", compact=True,
                         prompt="which incident" if present else "no incident is present",
                         value=present[0][1] if len(present) == 1 else Select.NULL)
        with Horizontal(classes="row", id="target-row"):
            yield Label("Target", classes="field", id="target-label")
            yield Select([(a.id, a.id) for a in self.scenario.agencies], id="target",
                         compact=True, prompt="which agency")
        with Horizontal(classes="row", id="action-row"):
            yield Label("Action", classes="field")
            yield Select([(a.id, a.id) for a in self.scenario.actions], id="action",
                         compact=True, prompt="which action")
        with Horizontal(classes="row", id="data-row"):
            yield Label("Data", classes="field")
            yield Select([(d.name or d.id, d.id) for d in self.scenario.data], id="data",
                         compact=True, prompt="which data")
        with Horizontal(classes="row", id="domain-row"):
            yield Label("About", classes="field")
            yield Select([(r, r) for r in resources(self.scenario)], id="domain",
                         compact=True, prompt="which resource")
        with Horizontal(classes="row", id="flags-row"):
            yield Checkbox("after coordination is granted", id="after", compact=True)
            yield Checkbox("force: act without waiting for approval", id="force",
                           compact=True)
        yield Button("Record move", id="send", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._show_fields(self.kind)

    @on(Select.Changed, "#kind")
    def kind_changed(self, message: Select.Changed) -> None:
        self.kind = str(message.value)
        self._show_fields(self.kind)

    def _show_fields(self, kind: str) -> None:
        """Show only the fields this kind of move needs, with the target's label."""
        used = FIELDS[kind]
        for field in ("target", "action", "data", "domain", "flags"):
            self.query_one(f"#{field}-row").display = field in used
        if kind in TARGET:
            self.query_one("#target-label", Label).update(TARGET[kind][1])

    @on(Button.Pressed, "#send")
    def submitted(self) -> None:
        """Check the picks, build the command and send it."""
        values = {name: self.query_one(f"#{name}", Select).value
                  for name in ("agency", "incident", "target", "action", "data", "domain")}
        needed = ("agency", "incident") + tuple(f for f in FIELDS[self.kind]
                                                if f in values)
        missing = [name for name in needed if values[name] == Select.NULL]
        if missing:
            self.complain("Pick " + " and ".join(
                "the " + ("target agency" if m == "target" else m) for m in missing) + ".")
            return
        record = {"kind": self.kind, "agency": values["agency"], "incident": values["incident"]}
        if self.kind in TARGET:
            record[TARGET[self.kind][0]] = values["target"]
        if "action" in FIELDS[self.kind]:
            record["action"] = values["action"]
        if self.kind == "coordinate":
            record["domain"] = values["domain"]
        if self.kind == "share":
            record["data"] = values["data"]
        if self.kind == "act":
            record["after_coordinated"] = self.query_one("#after", Checkbox).value
            record["force"] = self.query_one("#force", Checkbox).value
        self.send(cmd.COMMANDS.validate_python(record))
