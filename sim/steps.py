"""What injects and decisions make happen: effects (traffic, a channel down, an agency
withdrawn) and the `do` steps an agency carries out (assume_lead, handoff, notify, request,
coordinate, act). Each is a one-key mapping in YAML, told apart by that key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
)

from sim.values import Id, Model, PositiveDuration

# --------------------------------------------------------------------------- effects


class TrafficSpec(Model):
    zone: Id
    for_: PositiveDuration = Field(alias="for")


class ChannelDownSpec(Model):
    between: tuple[Id, ...] = Field(min_length=2)
    for_: PositiveDuration | None = Field(default=None, alias="for")


class WithdrawSpec(Model):
    agency: Id
    for_: PositiveDuration | None = Field(default=None, alias="for")


class Traffic(Model):
    """Civil activity in a zone's airspace: coordination waits until it ends."""

    traffic: TrafficSpec


class ChannelDown(Model):
    """A channel is down; messages over it wait until it is back up."""

    channel_down: ChannelDownSpec


class Withdraw(Model):
    """An agency leaves the exercise, for a while or for good."""

    withdraw: WithdrawSpec


EFFECT_KEYS = ("traffic", "channel_down", "withdraw")


def _key_tag(keys: tuple[str, ...], suffix: str):
    """A discriminator that picks a union member by which known key a mapping holds.

    The tag carries a suffix so it can never be mistaken for a YAML key when error
    locations are mapped back to lines."""

    def pick(value: Any) -> str | None:
        present = value.keys() if isinstance(value, dict) else getattr(value, "__dict__", {})
        for key in keys:
            if key in present and (isinstance(value, dict) or getattr(value, key) is not None):
                return f"{key} {suffix}"
        return None

    return pick


Effect = Annotated[
    Annotated[Traffic, Tag("traffic effect")]
    | Annotated[ChannelDown, Tag("channel_down effect")]
    | Annotated[Withdraw, Tag("withdraw effect")],
    Discriminator(
        _key_tag(EFFECT_KEYS, "effect"),
        custom_error_type="effect",
        custom_error_message="this is not an effect — start it with one of: "
        + ", ".join(EFFECT_KEYS),
    ),
]

# --------------------------------------------------------------------------- steps


class HandOffSpec(Model):
    incident: Id | None = None
    to: Id


class RequestSpec(Model):
    action: Id
    by: Id
    incident: Id | None = None


class CoordinateSpec(Model):
    with_: Id = Field(alias="with")
    domain: str
    incident: Id | None = None


class AssumeLead(Model):
    """The agency becomes the incident's lead (waiting for capacity if it has none)."""

    assume_lead: Id | None

    @property
    def incident(self) -> str | None:
        return self.assume_lead


class HandOff(Model):
    """The agency asks another to take the lead, over a channel."""

    handoff: HandOffSpec

    @property
    def incident(self) -> str | None:
        return self.handoff.incident


class Notify(Model):
    """Information is passed to another agency, over a channel."""

    notify: Id
    incident: Id | None = None


class Share(Model):
    """Data (`data` in the scenario) is passed to another agency, over a channel."""

    share: Id
    with_: Id = Field(alias="with")
    incident: Id | None = None


class Request(Model):
    """Another agency is asked to act; it acts on arrival after its response time."""

    request: RequestSpec

    @property
    def incident(self) -> str | None:
        return self.request.incident


class Coordinate(Model):
    """A resource owner is asked to deconflict; it grants once no traffic is active."""

    coordinate: CoordinateSpec

    @property
    def incident(self) -> str | None:
        return self.coordinate.incident


class Act(Model):
    """The agency takes an action on the incident where it is now."""

    act: Id
    incident: Id | None = None
    after: Literal["coordinated"] | None = None


STEP_KEYS = ("assume_lead", "handoff", "notify", "share", "request", "coordinate", "act")

SUBJECT_ONLY_STEPS = ("assume_lead",)


def _bare_verb(value: Any) -> Any:
    """`- assume_lead` alone means: about the subject incident (standing orders)."""
    return {value: None} if isinstance(value, str) and value in SUBJECT_ONLY_STEPS else value


class _BareVerbsInSchema:
    """Editors accept `- assume_lead` alone too, as the loader does."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"anyOf": [{"enum": list(SUBJECT_ONLY_STEPS)}, handler(core_schema)]}


Step = Annotated[
    Annotated[AssumeLead, Tag("assume_lead step")]
    | Annotated[HandOff, Tag("handoff step")]
    | Annotated[Notify, Tag("notify step")]
    | Annotated[Share, Tag("share step")]
    | Annotated[Request, Tag("request step")]
    | Annotated[Coordinate, Tag("coordinate step")]
    | Annotated[Act, Tag("act step")],
    Discriminator(
        _key_tag(STEP_KEYS, "step"),
        custom_error_type="step",
        custom_error_message="this is not a step — start it with one of: " + ", ".join(STEP_KEYS),
    ),
    BeforeValidator(_bare_verb),
    _BareVerbsInSchema(),
]

