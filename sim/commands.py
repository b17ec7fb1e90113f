"""What a person (or a scripted policy) asks for: one typed union.

A command is intent. A person's command has one way in, `Exercise.submit`: it refuses
what is impossible (unknown id, a closed decision, an incident that is gone) and accepts
everything else, rule-breaking included — the broken rule becomes a `violation` event, the
lesson of the exercise. Commands are journaled as JSON before they take effect. (A headless
policy's answers enter within a step, through `Exercise.policy_answers`: the same refusal
check, journaled as commands like a person's.)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from sim.steps import Effect
from sim.values import Id, PositiveDuration


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Decide(_Command):
    """Take an option of an open decision."""

    kind: Literal["decide"] = "decide"
    decision: Id
    option: Id
    incident: Id | None = None  # which instance, when the decision opens per incident
    by: Literal["player", "policy"] = "player"


def policy_choice(opened: Any, option: str) -> Decide:
    """A headless policy's answer to an open decision instance (an opened event, or an open
    decision of the state), as the command that takes it."""
    return Decide(decision=opened.decision, option=option, incident=opened.incident,
                  by="policy")


class FireInject(_Command):
    """Deliver an MSEL inject now, ahead of its time or when it is held for the controller."""

    kind: Literal["fire_inject"] = "fire_inject"
    inject: Id


class HoldInject(_Command):
    """Keep an MSEL inject from firing by itself (the players are already on it, or the
    room needs time): it stays on the MSEL for the controller to fire by hand, if ever — or,
    held `for` a while, it is released then (pushed back: it fires by itself again, at once
    if its time came meanwhile). The reason, if given, goes to the AAR/IP beside the hold:
    an MSEL deviation explained."""

    kind: Literal["hold_inject"] = "hold_inject"
    inject: Id
    why: str = ""
    for_: PositiveDuration | None = Field(default=None, alias="for")


class ReleaseInject(_Command):
    """Let a held MSEL inject fire by itself again: at its time or on its trigger if those
    are still to come, at once if it came due while held."""

    kind: Literal["release_inject"] = "release_inject"
    inject: Id


class AdHocInject(_Command):
    """A controller's inject that is not in the MSEL."""

    kind: Literal["adhoc_inject"] = "adhoc_inject"
    to: tuple[Id, ...] = Field(min_length=1)
    text: str = Field(min_length=1)
    effects: tuple[Effect, ...] = ()


class AssumeLead(_Command):
    """A player cell takes the lead of an incident."""

    kind: Literal["assume_lead"] = "assume_lead"
    agency: Id
    incident: Id


class HandOff(_Command):
    """A player cell asks another agency to take the lead."""

    kind: Literal["handoff"] = "handoff"
    agency: Id
    incident: Id
    to: Id


class Notify(_Command):
    """A player cell passes information about an incident to another agency."""

    kind: Literal["notify"] = "notify"
    agency: Id
    incident: Id
    to: Id


class Share(_Command):
    """A player cell passes data (`data` in the scenario) about an incident to another
    agency."""

    kind: Literal["share"] = "share"
    agency: Id
    incident: Id
    data: Id
    to: Id


class Request(_Command):
    """A player cell asks another agency to take an action."""

    kind: Literal["request"] = "request"
    agency: Id
    incident: Id
    by: Id
    action: Id


class Coordinate(_Command):
    """A player cell asks a resource owner to deconflict."""

    kind: Literal["coordinate"] = "coordinate"
    agency: Id
    incident: Id
    with_: Id = Field(alias="with")
    domain: str


class Act(_Command):
    """A player cell takes an action; `force` acts without waiting for approval."""

    kind: Literal["act"] = "act"
    agency: Id
    incident: Id
    action: Id
    after_coordinated: bool = False
    force: bool = False


class Note(_Command):
    """An evaluator's or controller's note, optionally filed against an objective."""

    kind: Literal["note"] = "note"
    text: str = Field(min_length=1)
    author: str = "controller"
    objective: Id | None = None


class Rate(_Command):
    """An evaluator confirms or overrides an objective's proposed HSEEP rating."""

    kind: Literal["rate"] = "rate"
    objective: Id
    rating: Literal["P", "S", "M", "U"]
    by: str = Field(min_length=1)
    why: str = ""


class Pause(_Command):
    """A pause marker: the controller stops the clock (for discussion, a break…)."""

    kind: Literal["pause"] = "pause"
    text: str = ""


class Resume(_Command):
    """The controller starts the clock again."""

    kind: Literal["resume"] = "resume"


class End(_Command):
    """The controller ends the exercise now."""

    kind: Literal["end"] = "end"
    reason: str = "ended by the controller"


Command = Annotated[
    Decide | FireInject | HoldInject | ReleaseInject | AdHocInject | AssumeLead | HandOff
    | Notify | Share | Request | Coordinate | Act | Note | Rate | Pause | Resume | End,
    Field(discriminator="kind"),
]
COMMANDS: TypeAdapter[Command] = TypeAdapter(Command)

PLAYER_MOVES = (AssumeLead, HandOff, Notify, Share, Request, Coordinate, Act)
AFTER_END = (Note, Rate)
