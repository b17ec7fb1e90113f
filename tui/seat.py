"""A player cell's seat: one agency's own terminal in the room. It follows the exercise's
journal read-only, as the players' screen does, and shows what this cell hears (the injects
sent to it, and what other agencies tell or ask it) and the decisions open to it, with their
options. The cell picks an option itself, makes a move of its own (takes the lead, hands
off, asks another agency to act or to deconflict…, in the console's move form), or writes
to the controller: what it sends goes to the seats' inbox (`sim.inbox`), on disk before the
seat says it was sent, and the controller's console journals it as the cell's — or refuses
it, say when the deadline passed first — and the seat shows which."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from sim import commands as cmd
from sim import events as ev
from sim.engine import Refused
from sim.errors import TabletopError
from sim.inbox import Inbox, Sent, seat_author, seat_of
from sim.references import unknown
from sim.timeline import describe, tplus, wall
from tui.display import FollowingApp, side_by_side
from tui.screens.move import MoveModal


class PlayerSeat(FollowingApp):
    """Follows one journal for one cell; Enter on an option sends it, `m` makes a move, `w`
    writes to the controller, `q` leaves the seat."""

    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("m", "move", "move"),
                Binding("w", "write", "write to the controller"),
                Binding("escape", "back", "back to the decisions", show=False),
                Binding("q", "quit", "leave the seat")]
    CSS = """
    #clock { height: 1; background: $panel; }
    #options { height: 1fr; border: heavy $accent; }
    #below { height: 40%; }
    #heard { width: 3fr; border: round $primary; padding: 0 1; }
    #sent { width: 2fr; border: round $warning; padding: 0 1; }
    #note { dock: bottom; margin-bottom: 1; }
    """

    def __init__(self, journal_path: str, cells: Sequence[str]):
        super().__init__(journal_path)
        agencies = [a.id for a in self.scenario.agencies]
        for cell in cells:
            if cell not in agencies:
                self.journal.close()
                raise TabletopError(f"--cell {cell}: {unknown('agency', cell, agencies)}")
        self.cells = tuple(dict.fromkeys(cells))  # a table may play several agencies
        self.seat = seat_of(self.cells)
        self.title = f"tabletop — {self.seat}'s seat"
        self.decisions = {d.id: d for d in self.scenario.decisions}
        self.inbox = Inbox(journal_path)
        self.sent: list[Sent] = []
        self.inbox_problem: str | None = None  # the last error reading the inbox, said once
        self.heard: list[ev.Event] = []  # the injects and messages that reached this cell
        self.listed: tuple | None = None  # the open decisions the option list shows

    def compose(self) -> ComposeResult:
        yield Static(id="clock")
        yield OptionList(id="options")
        yield from side_by_side("heard", "sent")
        yield Input(placeholder="w: write to the controller — a question, or what no form "
                                "offers (Enter sends)", id="note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#options").border_title = f"Decisions for {self.seat}: Enter chooses"
        self.query_one("#heard").border_title = f"Injects, messages and answers to {self.seat}"
        self.query_one("#sent").border_title = "What you sent"
        super().on_mount()
        self.query_one("#options").focus()

    def on_unmount(self) -> None:
        self.inbox.close()
        super().on_unmount()

    def changed(self) -> bool:
        """The console answered something sent since the last look."""
        return self._read_sent() != self.sent

    def shown(self, fresh: list[ev.Event]) -> None:
        self.sent = self._read_sent()
        self.heard += [e for e in fresh if self._reaches_cell(e)]
        mine = tuple(d for d in sorted(self.state.open_decisions.values(),
                                       key=lambda d: (d.opened, d.decision))
                     if d.cell in self.cells)
        options = self.query_one("#options", OptionList)
        if mine != self.listed:
            self.listed = mine
            options.clear_options()
            options.add_options(self._options(mine))
        else:  # the same decisions: only the time left changes, in their headings
            for decision in mine:
                options.replace_option_prompt(self._key(decision), self._heading(decision))
        led = [f"{i.id} ({i.zone}{'' if len(self.cells) == 1 else f', {i.lead}'})"
               for i in self.state.incidents.values() if i.present and i.lead in self.cells]
        options.border_subtitle = f"You lead: {', '.join(led)}" if led else "You lead nothing"
        self.query_one("#heard-list", Static).update(self._heard())
        self.query_one("#sent-list", Static).update(self._sent())

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        """Send the option chosen; the console journals it."""
        key, _, option = (message.option_id or "").partition(" ")
        decision, _, incident = key.partition("@")
        if option:
            self.submit(cmd.Decide(decision=decision, option=option, incident=incident or None))

    def on_input_submitted(self, message: Input.Submitted) -> None:
        """Send the note; the console journals it as this cell's."""
        note = message.value.strip()
        if not note:
            self.action_back()
        elif not isinstance(self.submit(cmd.Note(text=note, author=seat_author(*self.cells))),
                            Refused):
            message.input.clear()
            self.action_back()

    def submit(self, command: cmd.Command) -> int | Refused:
        """Send a command to the console by the inbox: on disk before the seat shows it as
        sent. (The move form calls this as the console's form calls the console's: a seat
        refuses nothing itself — the console decides, and the answer shows — unless the
        inbox cannot take it: then the form or the note stays as typed, and the seat says
        why.)"""
        try:
            n = self.inbox.send(self.cells, command)
        except TabletopError as error:
            self.notify(str(error), title="Not sent", severity="error", timeout=15)
            return Refused(f"not sent — {error}")
        self._show_sent()
        return n

    def action_move(self) -> None:
        self.push_screen(MoveModal(self.scenario, self.state, cells=self.cells))

    def action_write(self) -> None:
        self.query_one("#note", Input).focus()

    def action_back(self) -> None:
        self.query_one("#options", OptionList).focus()

    def _show_sent(self) -> None:
        self.sent = self._read_sent()
        self.query_one("#sent-list", Static).update(self._sent())

    def _read_sent(self) -> list[Sent]:
        """What this seat sent, with the answers; as last read if the inbox cannot be read
        now (the seat goes on following the journal, and says so once)."""
        try:
            sent = self.inbox.sent_by(self.cells)
        except TabletopError as error:
            if str(error) != self.inbox_problem:
                self.inbox_problem = str(error)
                self.notify(str(error), title="The seats' inbox cannot be read",
                            severity="error", timeout=15)
            return self.sent
        self.inbox_problem = None
        return sent

    def _options(self, mine: tuple) -> list[Option]:
        if not mine:
            return [Option(Text("No decision is open for you.", style="dim"), disabled=True)]
        listed: list[Option] = []
        for decision in mine:
            spec = self.decisions[decision.decision]
            listed.append(Option(self._heading(decision), id=self._key(decision),
                                 disabled=True))
            listed += [Option(f"  {n}. {option.text}",
                              id=f"{self._key(decision)} {option.id}")
                       for n, option in enumerate(spec.options, 1)]
        return listed

    @staticmethod
    def _key(decision) -> str:
        return decision.decision + (f"@{decision.incident}" if decision.incident else "")

    def _heading(self, decision) -> Text:
        prompt = self.decisions[decision.decision].prompt
        about = "".join(f" · {part}" for part in (
            decision.cell if len(self.cells) > 1 else None, decision.incident) if part)
        return Text.assemble((f"{decision.decision}{about}", "bold"),
                             f" · {self.time_left(decision)}\n", " ".join(prompt.split()))

    def _reaches_cell(self, event: ev.Event) -> bool:
        """An inject sent to this cell, a message to it from another agency (told, data
        shared, asked to lead, to act or to deconflict), or the answer to what it asked
        (its handoff accepted or declined, deconfliction granted, approval given)."""
        if isinstance(event, ev.InjectDelivered):
            return any(cell in event.to for cell in self.cells)
        if event.kind in ANSWERS:
            return getattr(event, ANSWERS[event.kind]) in self.cells
        return event.kind in MESSAGES and bool({getattr(event, "to", None),
                                                getattr(event, "with_", None)} & set(self.cells))

    def _heard(self) -> Group | Text:
        if not self.heard:
            return Text("Nothing yet.", style="dim")
        return Group(*(Group(Text(f"{_source(e)} · {wall(self.start, e.t)} {tplus(e.t)}",
                                  style="dim"),
                             Text(e.text if isinstance(e, ev.InjectDelivered) else describe(e)),
                             Text(""))
                       for e in reversed(self.heard)))

    def _sent(self) -> Group | Text:
        if not self.sent:
            return Text("None yet.", style="dim")
        return Group(*(Text.assemble((f"{s.said}: ", "bold"), _answer(s))
                       for s in reversed(self.sent)))


MESSAGES = ("notified", "data_shared", "handoff_requested", "action_requested",
            "coordination_requested")  # what another agency sends a cell
ANSWERS = {"handoff_accepted": "from_", "handoff_declined": "from_",  # to the cell that asked
           "coordination_granted": "agency", "approval_granted": "agency"}


def _source(event: ev.Event) -> str:
    return event.inject if isinstance(event, ev.InjectDelivered) else "message"


def _answer(sent: Sent) -> Text:
    if not sent.answered:
        return Text("sent — waiting for the controller's console", style="yellow")
    if sent.refused:
        return Text(f"refused: {sent.refused}", style="red")
    return Text(f"recorded at {tplus(sent.t or 0.0)}", style="green")
