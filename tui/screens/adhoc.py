"""The ad-hoc inject form: recipients ticked from the agencies, the text, and an optional
effect (traffic in a zone, a channel down, an agency withdrawn) with its duration."""

from __future__ import annotations

from pydantic import TypeAdapter
from pydantic_core import PydanticCustomError
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, SelectionList

from sim import commands as cmd
from sim.scenario import Scenario
from sim.steps import Effect
from sim.values import parse_duration
from tui.screens.form import CommandModal

EFFECTS = [("no effect", "none"), ("traffic in a zone", "traffic"),
           ("a channel goes down", "channel_down"), ("an agency withdraws", "withdraw")]
EFFECT: TypeAdapter = TypeAdapter(Effect)


def minutes_or_none(text: str) -> float | None:
    """A duration typed by the controller (`20`, `20m`, `1h`), or None when left empty."""
    return parse_duration(text) if text.strip() else None


class AdHocInjectModal(CommandModal):
    """Write an inject that is not in the MSEL."""

    HINT = "Space: tick a recipient · Tab: next field · Enter in a text field: send · Esc"

    def __init__(self, scenario: Scenario):
        super().__init__()
        self.scenario = scenario

    def heading(self) -> str:
        return "Ad-hoc inject (not in the MSEL)"

    def form(self) -> ComposeResult:
        yield Label("To (Space ticks an agency)")
        yield SelectionList[str](*[(a.id, a.id) for a in self.scenario.agencies], id="to",
                                 compact=True)
        yield Label("Text the players receive")
        yield Input(placeholder="e.g. A second contact is reported near the bridge.",
                    id="text", compact=True)
        yield Label("Effect")
        yield Select(EFFECTS, value="none", allow_blank=False, id="effect", compact=True)
        with Horizontal(id="effect-target", classes="row"):
            yield Select([(z.id, z.id) for z in self.scenario.zones], id="zone", compact=True,
                         prompt="zone")
            yield Select([(c.label, n) for n, c in enumerate(self.scenario.channels)],
                         id="channel", compact=True, prompt="channel")
            yield Select([(a.id, a.id) for a in self.scenario.agencies], id="agency",
                         compact=True, prompt="agency")
            yield Input(placeholder="for (e.g. 20m; empty: until further notice)",
                        id="minutes", compact=True)
        yield Button("Send inject", id="send", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._show_effect_fields("none")

    @on(Select.Changed, "#effect")
    def effect_changed(self, message: Select.Changed) -> None:
        self._show_effect_fields(str(message.value))

    def _show_effect_fields(self, effect: str) -> None:
        """Show only the fields the chosen effect needs."""
        self.query_one("#effect-target").display = effect != "none"
        for field, used_by in (("#zone", "traffic"), ("#channel", "channel_down"),
                               ("#agency", "withdraw")):
            self.query_one(field).display = effect == used_by

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def submitted(self) -> None:
        """Check the form, build the inject and send it."""
        to = self.query_one("#to", SelectionList).selected
        text = self.query_one("#text", Input).value.strip()
        if not to:
            self.complain("Tick at least one recipient (Space on an agency).")
            return
        if not text:
            self.complain("Write the text the players receive.")
            return
        try:
            effects = self._effects()
        except ValueError as problem:
            self.complain(str(problem))
            return
        self.send(cmd.AdHocInject(to=tuple(to), text=text, effects=effects))

    def _effects(self) -> tuple:
        """The chosen effect as the scenario format writes it (empty without one)."""
        effect = self.query_one("#effect", Select).value
        if effect == "none":
            return ()
        try:
            minutes = minutes_or_none(self.query_one("#minutes", Input).value)
        except PydanticCustomError:
            raise ValueError("Write the duration as 20, 20m or 1h30m (or leave it "
                             "empty).") from None
        if effect == "traffic":
            zone = self.query_one("#zone", Select).value
            if zone == Select.NULL or minutes is None:
                raise ValueError("Traffic needs a zone and how long it lasts (e.g. 20m).")
            spec = {"traffic": {"zone": zone, "for": minutes}}
        elif effect == "channel_down":
            channel = self.query_one("#channel", Select).value
            if channel == Select.NULL:
                raise ValueError("Pick the channel that goes down.")
            spec = {"channel_down": {"between": list(self.scenario.channels[channel].between),
                                     "for": minutes}}
        else:
            agency = self.query_one("#agency", Select).value
            if agency == Select.NULL:
                raise ValueError("Pick the agency that withdraws.")
            spec = {"withdraw": {"agency": agency, "for": minutes}}
        return (EFFECT.validate_python(spec),)
