"""The scenario format, version 1, as frozen pydantic models.

These models check the *shape* of a scenario: types, required keys, durations and
latencies. Whether the ids a scenario uses refer to anything is checked afterwards by
`sim.references`, so that every dangling reference is reported at its own line.
A `Scenario` is never mutated: a policy variant is a new `Scenario`.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from sim.steps import Effect, Step
from sim.values import Duration, Filter, Id, Latency, Model, PositiveDuration

FORMAT_VERSIONS = (1,)

# --------------------------------------------------------------------------- the world


class Action(Model):
    """A verb of the scenario; `touches` names shared resources it affects, and `spills`
    says they are affected in the adjacent zones too (an emission does not stop at a line)."""

    id: Id
    name: str | None = None
    touches: tuple[str, ...] = ()
    remote: bool = False
    spills: bool = False

    @model_validator(mode="after")
    def _check(self) -> Any:
        if self.spills and not self.touches:
            raise PydanticCustomError("spills", "only what an action touches can spill into "
                                      "the adjacent zones — add 'touches: [RESOURCE, ...]' or "
                                      "remove 'spills'")
        return self


class Zone(Model):
    id: Id
    name: str | None = None
    kind: Id
    jurisdiction: tuple[Id, ...] = ()
    adjacent: tuple[Id, ...] = ()
    coordination: dict[str, Id] = Field(default_factory=dict)


class Approval(Model):
    by: Id
    latency: Latency = 0.0


class Authority(Model):
    id: Id
    name: str | None = None
    allows: tuple[Id, ...]
    in_: tuple[Id, ...] = Field(alias="in")
    approval: Approval | None = None


class Agency(Model):
    id: Id
    name: str | None = None
    kind: str | None = None
    authorities: tuple[Id, ...] = ()
    capacity: int = Field(default=1, ge=1)
    respond: Latency = 0.0


class Data(Model):
    """Information agencies hold and pass on (`share` steps): `recipients`, when given, are
    the only agencies it may go to — a privacy clause, an agreement's list — and sharing it
    with another breaks the sharing rule."""

    id: Id
    name: str | None = None
    recipients: tuple[Id, ...] | None = None


class Channel(Model):
    between: tuple[Id, ...] = Field(min_length=2)
    name: str | None = None
    latency: Latency = 0.0

    @property
    def label(self) -> str:
        return self.name or " + ".join(self.between)


class PathStep(Model):
    zone: Id
    at: Duration


class Incident(Model):
    id: Id
    name: str | None = None
    path: tuple[PathStep, ...] = Field(min_length=1)
    leaves: Duration
    detected_by: Id | tuple[Id, ...] | None = None

    @property
    def detectors(self) -> tuple[str, ...]:
        return as_ids(self.detected_by)


def as_ids(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """`detected_by: x` or `[x, y]` (or nothing) as a tuple of agency ids, in order."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else value


# --------------------------------------------------------------------------- MSEL


class Inject(Model):
    """One line of the MSEL: delivered `at` a time, `when` an event matches, or held for
    the controller to fire by hand (a contingency inject)."""

    id: Id
    at: Duration | None = None
    when: Filter | None = None
    delay: Duration = 0.0
    from_: str | None = Field(default=None, alias="from")
    to: Id | tuple[Id, ...]
    method: str | None = None
    type: Literal["standard", "contingency", "adaptive", "complexity"] | None = None
    text: str
    expected: str | None = None
    objectives: tuple[Id, ...] = ()
    notes: str | None = None
    effects: tuple[Effect, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Any:
        if self.at is not None and self.when is not None:
            raise PydanticCustomError("timing", "an inject fires either 'at' a time or 'when' "
                                      "an event matches, not both — remove one")
        return self

    @property
    def recipients(self) -> tuple[str, ...]:
        return as_ids(self.to)


class Option(Model):
    id: Id
    text: str
    do: tuple[Step, ...] = ()


class Decision(Model):
    """A prompt to one player cell; if nobody picks by the deadline, the default is taken."""

    id: Id
    at: Duration | None = None
    when: Filter | None = None
    cell: Id
    prompt: str
    options: tuple[Option, ...] = Field(min_length=1)
    default: Id
    deadline: PositiveDuration

    @model_validator(mode="after")
    def _check(self) -> Any:
        if (self.at is None) == (self.when is None):
            raise PydanticCustomError("timing", "a decision opens either 'at' a time or 'when' "
                                      "an event matches — give exactly one")
        return self

    def option(self, option_id: str) -> Option | None:
        for option in self.options:  # a loop, not next(generator): a year asks 10^4 times
            if option.id == option_id:
                return option
        return None


# --------------------------------------------------------------------------- objectives


class Within(Model):
    from_: Filter = Field(alias="from")
    to: Filter
    limit: PositiveDuration


class Before(Model):
    first: Filter
    then: Filter


class Count(Model):
    """How many events match, against bounds: a year's objectives are rates, not firsts."""

    of: Filter
    at_most: int | None = Field(default=None, ge=0)
    at_least: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _check(self) -> Any:
        if self.at_most is None and self.at_least is None:
            raise PydanticCustomError("count", "a count needs a bound — add 'at_most: N' or "
                                      "'at_least: N' (or both)")
        if self.at_most is not None and self.at_least is not None and (
                self.at_least > self.at_most):
            raise PydanticCustomError("count", "at_least is more than at_most, so no run can "
                                      "meet it — swap or correct them")
        return self


MEASURES = ("within", "never", "before", "count")


class Objective(Model):
    """What the evaluators score, as a measure over the journal."""

    id: Id
    text: str
    capability: str | None = None
    within: Within | None = None
    never: Filter | None = None
    before: Before | None = None
    count: Count | None = None

    @model_validator(mode="after")
    def _check(self) -> Any:
        given = [m for m in MEASURES if getattr(self, m) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "measure", "an objective has exactly one measure: within, never, before or count"
                + (f" (found {', '.join(given)}) — keep one" if given else " — add one"))
        return self

    @property
    def measure(self) -> str:
        return next(m for m in MEASURES if getattr(self, m) is not None)


# --------------------------------------------------------------------------- analysis at scale


class RouteStop(Model):
    zone: Id
    dwell: Latency


class Route(Model):
    """One way through the zones, chosen in proportion to its weight."""

    weight: float = Field(default=1.0, gt=0)
    path: tuple[RouteStop, ...] = Field(min_length=1)


class Stream(Model):
    """Incidents arriving over a window, one every `every` (a latency), each following a
    route; incident ids are `<stream id>-1`, `<stream id>-2`, …"""

    id: Id
    name: str | None = None
    start: Duration = 0.0
    until: Duration | None = None
    every: Latency
    limit: int | None = Field(default=None, ge=1)
    routes: tuple[Route, ...] = Field(min_length=1)
    detected_by: Id | tuple[Id, ...] | None = None

    @property
    def detectors(self) -> tuple[str, ...]:
        return as_ids(self.detected_by)


class Order(Model):
    """A standing order (an SOP, an agreement): when an event matches, `agency` carries out
    the steps, with the event's incident as their subject. `agency: lead` means whoever
    leads that incident at the moment."""

    id: Id
    text: str | None = None
    agency: Id
    when: Filter
    do: tuple[Step, ...] = Field(min_length=1)


class Variant(Model):
    """A policy variant: `set` replaces fields by id path (`authorities.border-mitigation.
    approval: null`), `add` appends items to sections (`orders: [...]`)."""

    id: Id
    text: str = ""
    set: dict[str, Any] = Field(default_factory=dict)
    add: dict[str, tuple[Any, ...]] = Field(default_factory=dict)


# --------------------------------------------------------------------------- the scenario


def _clock_label(value: str) -> str:
    for parse in (datetime.fromisoformat, time.fromisoformat):
        try:
            parse(value)
            return value
        except ValueError:
            pass
    raise PydanticCustomError("clock", "'{value}' is not a start time — write "
                              "2026-03-14T02:00 or 02:00", {"value": value})


class Clock(Model):
    start: Annotated[str, AfterValidator(_clock_label)] = "00:00"
    duration: PositiveDuration


class Scenario(Model):
    """A whole exercise, as written by its planner."""

    tabletop: int
    id: Id
    title: str
    summary: str = ""
    clock: Clock
    actions: tuple[Action, ...] = ()
    zones: tuple[Zone, ...] = ()
    authorities: tuple[Authority, ...] = ()
    agencies: tuple[Agency, ...] = Field(min_length=1)
    data: tuple[Data, ...] = ()
    channels: tuple[Channel, ...] = ()
    incidents: tuple[Incident, ...] = ()
    injects: tuple[Inject, ...] = ()
    decisions: tuple[Decision, ...] = ()
    objectives: tuple[Objective, ...] = ()
    streams: tuple[Stream, ...] = ()
    orders: tuple[Order, ...] = ()
    policy: dict[Id, Id | dict[Id, float]] = Field(default_factory=dict)
    variants: tuple[Variant, ...] = ()

    @field_validator("tabletop")
    @classmethod
    def _known_version(cls, version: int) -> int:
        if version not in FORMAT_VERSIONS:
            raise PydanticCustomError(
                "version", "this build of tabletop reads format version {known}; the file says "
                "{got} — write 'tabletop: 1' or upgrade tabletop",
                {"known": ", ".join(map(str, FORMAT_VERSIONS)), "got": version})
        return version
