"""Review mode's fork: "what if they had decided otherwise?", from the keyboard.

`ForkInReview` is mixed into the App. `F` offers the selected decision's options
(`ForkModal`); the fork (`sim.fork.fork_journal`, into the default file beside the journal)
and the comparison of the two runs (`sim.compare.compare`) run in a thread worker that
only posts `ForkCompared` or `ForkRefused` back; the App then shows the comparison
(`CompareScreen`) or the refusal in place, and from the comparison `r` reviews the fork in
this console. The selected decision is that of the latest decision event (opened or made)
at or before the log's cursor line while the log has the keyboard, and at or before the
review clock otherwise (docs/facilitator-guide.md, "Review mode").
"""

from __future__ import annotations

import os

from textual import work
from textual.worker import get_current_worker

from sim.errors import TabletopError
from sim.fork import fork_journal
from sim.timeline import tplus
from tui.messages import ForkCompared, ForkRefused
from tui.screens.compare import CompareScreen
from tui.screens.fork import ForkModal
from tui.sessions import DecisionPoint, ReviewSession
from tui.widgets.log import EventLog


class ForkInReview:
    """The fork's actions and message handlers, for `TabletopApp` (an App with a review
    `session` and an `exercise_screen`)."""

    def selected_decision(self) -> DecisionPoint | None:
        """The decision a fork starts from (None before any decision has opened)."""
        log = self.exercise_screen.query_one(EventLog)
        line = log.highlighted if self.exercise_screen.focused is log else None
        return self.session.decision_at(self.session.state.seq if line is None else line.seq)

    def action_fork(self) -> None:
        """Offer the selected decision's options for a fork."""
        point = self.selected_decision()
        if point is None:
            self.notify(f"No decision has opened by {tplus(self.session.clock)}: move to one "
                        "(] or j), then F.")
            return
        decision = next(d for d in self.session.scenario.decisions
                        if d.id == point.opened.decision)
        self.push_screen(ForkModal(decision, point, self.session.journal_path))

    @work(thread=True, exclusive=True, group="fork")
    def fork_at(self, journal_path: str, decision: str, option: str) -> None:
        """Fork the journal and compare the runs off the UI thread; the result (or the
        refusal) comes back as a message, and nothing here touches a widget."""
        from sim.compare import compare  # draws with matplotlib: loaded only when needed

        try:
            made = fork_journal(journal_path, decision, option)
            result: ForkCompared | ForkRefused = ForkCompared(made,
                                                              compare(journal_path, made.path))
        except TabletopError as error:
            result = ForkRefused(str(error))
        if not get_current_worker().is_cancelled:
            self.post_message(result)

    def on_fork_refused(self, message: ForkRefused) -> None:
        """Show why in the fork modal (or as a notice if it was closed meanwhile)."""
        if isinstance(self.screen, ForkModal):
            self.screen.refused(message.reason)
        else:
            self.notify(message.reason, title="Fork refused", severity="error")

    def on_fork_compared(self, message: ForkCompared) -> None:
        """Close the fork modal and show the two runs side by side."""
        if isinstance(self.screen, ForkModal):
            self.screen.dismiss()
        self.push_screen(CompareScreen(message.fork, message.comparison), self._compared)

    async def _compared(self, fork_path: str | None) -> None:
        """Leaving the comparison: review the fork when asked (None: back to the original)."""
        if fork_path is None:
            return
        try:
            session = ReviewSession(fork_path)
        except TabletopError as error:
            self.notify(str(error), title="The fork cannot be reviewed", severity="error")
            return
        await self.show_review(session)
        self.notify(f"Reviewing the fork {os.path.basename(fork_path)} (? shows where it is).")
