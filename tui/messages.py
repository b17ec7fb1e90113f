"""The console's messages: past-tense facts the App posts to its screens (Toolong style).

`ExerciseAdvanced` is posted at clock-tick rate, so a burst of them merges into one
(`can_replace` carries the earlier events along) and the screen renders once. The fork
worker of review mode reports back to the App with `ForkCompared` or `ForkRefused`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from sim import events as ev
from sim.state import State

if TYPE_CHECKING:  # sim.compare draws with matplotlib: loaded only once a fork is asked for
    from sim.compare import Comparison
    from sim.fork import Fork


@dataclass
class ExerciseAdvanced(Message, bubble=False):
    """The exercise moved on (or, in review, the clock moved): render `state` at `clock`."""

    events: list[ev.Event]
    state: State
    clock: float

    def can_replace(self, message: Message) -> bool:
        """A newer advance supersedes this one, taking this one's events with it."""
        if isinstance(message, ExerciseAdvanced):
            message.events = self.events + message.events
            return True
        return False


@dataclass
class PaceChanged(Message, bubble=False):
    """The console's clock was started, stopped or its speed changed."""

    running: bool
    speed: int


@dataclass
class CommandAccepted(Message):
    """A command is in the journal and the engine took it (number `number`, at sim `t`)."""

    command: object
    number: int
    t: float


@dataclass
class CommandRefused(Message):
    """The engine refused a command as impossible; `reason` says why."""

    command: object
    reason: str


@dataclass
class ForkCompared(Message):
    """A fork of the reviewed journal was written beside it and compared with it."""

    fork: Fork
    comparison: Comparison


@dataclass
class ForkRefused(Message):
    """A fork could not be made; `reason` says why and what to do."""

    reason: str
