"""The inject modal: the MSEL's injects not yet delivered (with their HSEEP columns);
Enter fires the highlighted one now, `h` goes on to hold it (it will not fire by itself;
`tui.screens.hold` asks why) or releases it if held. Its last line opens the ad-hoc inject
form."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sim import commands as cmd
from sim.scenario import Inject, Scenario
from sim.state import State
from tui.screens.form import CommandModal
from tui.widgets.msel import due

WRITE_ADHOC = "write-adhoc"


def inject_label(inject: Inject, state: State) -> Text:
    """An MSEL line: id, when due, recipients, text, and what the controller expects."""
    label = Text(inject.id, style="bold")
    label.append(f"  {due(inject, state)}", style="magenta")
    label.append(f"  → {', '.join(inject.recipients)}")
    extras = [x for x in (inject.method, inject.type, inject.from_ and f"from {inject.from_}")
              if x]
    if extras:
        label.append(f"  ({', '.join(extras)})", style="dim")
    label.append(f"\n{inject.text}")
    if inject.expected:
        label.append(f"\nexpected: {inject.expected}", style="italic dim")
    return label


class InjectModal(CommandModal):
    """Fire an MSEL inject now, hold it, or go on to write an ad-hoc one."""

    BINDINGS = [Binding("h", "hold", "hold or release")]
    HINT = "↑/↓: choose · Enter: deliver now · h: hold / release · Esc: cancel"

    def __init__(self, scenario: Scenario, state: State):
        super().__init__()
        self.injects = [i for i in scenario.injects if i.id not in state.delivered]
        self.state = state

    def heading(self) -> str:
        return "Fire an MSEL inject now"

    def form(self) -> ComposeResult:
        options: list = []
        for inject in self.injects:
            options += [Option(inject_label(inject, self.state), id=inject.id), None]
        options.append(Option(Text("✎ Write an ad-hoc inject…", style="bold"), id=WRITE_ADHOC))
        yield OptionList(*options, id="options")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def chosen(self, message: OptionList.OptionSelected) -> None:
        """Deliver the inject now, or go on to the ad-hoc form."""
        if message.option.id == WRITE_ADHOC:
            self.dismiss(False)
            self.app.call_later(self.app.run_action, "adhoc_inject")
        else:
            self.send(cmd.FireInject(inject=message.option.id))

    def action_hold(self) -> None:
        """Go on to hold the highlighted inject (it stays on the MSEL, for the controller's
        hand), saying why; or release it if it is held."""
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id == WRITE_ADHOC:
            self.complain("Highlight an MSEL inject to hold or release")
        elif option.id in self.state.held:
            self.send(cmd.ReleaseInject(inject=option.id))
        else:
            self.dismiss(False)
            self.app.call_later(self.app.open_hold, option.id)
