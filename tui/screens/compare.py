"""The comparison screen, after a fork in review: the exercise as played (A) beside its fork
(B).

It shows what `tabletop compare` prints (`sim.compare.render_text`): objectives met or not
in each run, violations by rule, lead gaps, decisions, and the first event where the
timelines part — with the lines that differ and the objectives not met picked out. `r`
opens the fork itself in review mode; Esc goes back to the review of the original.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from sim.fork import Fork
from sim.timeline import tplus

if TYPE_CHECKING:  # sim.compare draws with matplotlib: imported by the fork's worker only
    from sim.compare import Comparison

DIFFERS = r"(?m)^  \* .*$"  # render_text marks a line where the runs differ with '*'
STYLES = ((DIFFERS, "bold"), (r"NOT MET \([PSMU]\)", "red"), (r"\bmet \([PSMU]\)", "green"),
          (r"(?m)^[A-Z].*$", "bold cyan"))


class CompareScreen(ModalScreen[str | None]):
    """Two runs side by side; dismissed with the fork's path to review it, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "back"),
                Binding("r", "review_fork", "review the fork")]

    def __init__(self, fork: Fork, comparison: Comparison):
        super().__init__()
        self.fork, self.comparison = fork, comparison

    def compose(self) -> ComposeResult:
        from sim.compare import render_text

        fork = self.fork
        was = f"'{fork.was}'" if fork.was else "left open"
        with Vertical(classes="dialog"):
            yield Label(f"What if {fork.decision} had been decided otherwise?",
                        classes="heading")
            yield Static(f"A  the exercise as played: {was} at {fork.decision}\n"
                         f"B  its fork: '{fork.option}' at {fork.decision}, taken at "
                         f"{tplus(fork.at)} ({fork.where}) — the same seed, so the difference "
                         "is that decision alone", classes="prompt")
            with VerticalScroll(id="comparison"):
                yield Static(styled(render_text(self.comparison)))
            yield Static("↑/↓: scroll · r: review the fork · Esc: back to the exercise as "
                         "played", classes="hint")

    def action_review_fork(self) -> None:
        """Close, asking the App to review the fork's journal."""
        self.dismiss(self.fork.path)


def styled(text: str) -> Text:
    """The comparison's text with its titles, differing lines and results picked out."""
    shown = Text(text)
    for pattern, style in STYLES:
        shown.highlight_regex(pattern, style)
    return shown
