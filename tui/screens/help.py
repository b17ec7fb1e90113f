"""The help screen, generated from the action registry: every key of the current mode,
its palette title and what it does, with the few words a new facilitator needs."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.actions import help_rows
from tui.screens.form import Dialog

LIVE_INTRO = ("The console opens paused at T+0: press Space to start the clock. Everything "
              "you record goes into the journal before it shows as accepted. Ctrl+P opens the "
              "command palette: type inject, decision, move, note, objective or view.")
REVIEW_INTRO = ("Review is read-only. Move the clock with ←/→, [ and ], or j; the boards "
                "show the exercise as it was then. In the log, Enter jumps to an event. F "
                "forks at the selected decision into a new journal and compares the two runs.")


class HelpScreen(ModalScreen[None]):
    """Keys and what they do."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "close")]

    def __init__(self, mode: str, journal_path: str | None):
        super().__init__()
        self.mode, self.journal_path = mode, journal_path

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, header_style="bold", padding=(0, 1, 0, 0))
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("Palette entry", style="cyan")
        table.add_column("What it does", ratio=1)
        for keys, title, text in help_rows(self.mode):
            table.add_row(keys, title, text)
        table.add_row("↑ ↓ PgUp PgDn Home End", "", "in the log (press l to move into it)")
        table.add_row("ctrl+p", "", "the command palette")
        with Dialog(classes="dialog"):
            yield Label("Keys — " + ("live exercise" if self.mode == "live" else "review"),
                        classes="heading")
            yield Static(LIVE_INTRO if self.mode == "live" else REVIEW_INTRO, classes="prompt")
            yield Static(table)
            journal = self.journal_path or "none (a practice run: nothing is kept)"
            yield Static(f"Journal: {journal}", classes="quiet")
            if self.mode == "live" and self.journal_path:
                yield Static(f"Players' screen (projector): tabletop display {journal}",
                             classes="quiet")
                yield Static(f"A cell's own seat: tabletop seat {journal} --cell AGENCY "
                             "(its decisions, its moves, its notes to you)", classes="quiet")
            yield Static("Esc: close", classes="hint")
