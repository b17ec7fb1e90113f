"""The scenario format, version 1, as frozen pydantic models.

These models check the *shape* of a scenario: types, required keys, durations and
latencies. Whether the ids a scenario uses refer to anything is checked afterwards by
`sim.references`, so that every dangling reference is reported at its own line.
A `Scenario` is never mutated: a policy variant is a new `Scenario`.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

FORMAT_VERSIONS = (1,)

# --------------------------------------------------------------------------- durations

_NUMBER = r"(\d+(?:\.\d+)?)"
_DURATION = re.compile(
    rf"^\s*(?:{_NUMBER}d)?\s*(?:{_NUMBER}h)?\s*(?:{_NUMBER}m)?\s*(?:{_NUMBER}s)?\s*$")
DURATION_FORMS = "write it as 90s, 15m, 2h, 1h30m, 365d or a number of minutes"


def parse_duration(value: Any) -> float:
    """Minutes from `90s`, `15m`, `2h`, `1h30m`, `365d` or a bare number of minutes."""
    if isinstance(value, bool):
        raise PydanticCustomError("duration", "{value} is not a duration — " + DURATION_FORMS,
                                  {"value": value})
    if isinstance(value, int | float):
        minutes = float(value) if abs(value) < 1e300 else float("inf")  # huge ints overflow
    elif isinstance(value, str):
        text = value.strip()
        match = _DURATION.match(text)
        if text and re.fullmatch(r"\d+(?:\.\d+)?", text):
            minutes = float(text)
        elif text and match and any(match.groups()):
            days, hours, mins, secs = (float(g) if g else 0.0 for g in match.groups())
            minutes = days * 1440 + hours * 60 + mins + secs / 60
        else:
            raise PydanticCustomError("duration", "'{value}' is not a duration — " + DURATION_FORMS,
                                      {"value": value})
    else:
        raise PydanticCustomError("duration", "a duration is text or a number — " + DURATION_FORMS)
    if minutes < 0 or minutes != minutes or minutes == float("inf"):
        raise PydanticCustomError("duration", "a duration cannot be negative or infinite — "
                                  + DURATION_FORMS)
    return minutes


def _positive(minutes: float) -> float:
    if minutes <= 0:
        raise PydanticCustomError("duration", "this duration is zero — give it a length, "
                                  "such as 5m")
    return minutes


def _duration_schema(minimum: str) -> WithJsonSchema:
    """What editors check a duration against: a number of minutes or text like 1h30m."""
    text = r"^\s*\d+(?:\.\d+)?\s*$|^(?=\s*\d)" + _DURATION.pattern[1:]
    return WithJsonSchema({
        "anyOf": [{"type": "number", minimum: 0}, {"type": "string", "pattern": text}],
        "description": "A duration: 90s, 15m, 2h, 1h30m, 365d or a number of minutes."})


Duration = Annotated[float, BeforeValidator(parse_duration), _duration_schema("minimum")]
PositiveDuration = Annotated[float, BeforeValidator(parse_duration), AfterValidator(_positive),
                             _duration_schema("exclusiveMinimum")]

# --------------------------------------------------------------------------- ids and base


def _id(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise PydanticCustomError(
            "id", "'{value}' is not a usable id — use letters, digits, '-', '_' and '.'",
            {"value": value})
    return value


Id = Annotated[str, AfterValidator(_id)]


class Model(BaseModel):
    """Frozen, strict about unknown keys, and addressed by the YAML's own key names."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                              coerce_numbers_to_str=True)


# --------------------------------------------------------------------------- latencies


class Lognormal(Model):
    """A skewed wait: half the time under `median`, nine times in ten under `p90`."""

    median: PositiveDuration
    p90: PositiveDuration

    @model_validator(mode="after")
    def _check(self) -> Any:
        if self.p90 < self.median:
            raise PydanticCustomError("latency", "p90 is shorter than the median — make p90 at "
                                      "least the median (nine in ten waits end by p90)")
        return self


class Triangular(Model):
    """A wait between `min` and `max`, most often near `mode`."""

    min: Duration
    mode: Duration
    max: Duration

    @model_validator(mode="after")
    def _check(self) -> Any:
        if not self.min <= self.mode <= self.max:
            raise PydanticCustomError("latency", "min, mode and max are out of order — write them "
                                      "so that min ≤ mode ≤ max")
        return self


LATENCY_FORMS = "write a duration (5m), {median: 5m, p90: 12m} or {min: 2m, mode: 5m, max: 15m}"


def _latency_form(value: Any) -> str | None:
    """Which of the three latency forms a value is written in (None: none of them)."""
    if isinstance(value, dict):
        if {"min", "mode", "max"} & value.keys():
            return "triangular form"
        return "median form" if {"median", "p90"} & value.keys() else None
    if isinstance(value, Lognormal):
        return "median form"
    if isinstance(value, Triangular):
        return "triangular form"
    return "fixed form" if isinstance(value, str | int | float) else None


Latency = Annotated[
    Annotated[Duration, Tag("fixed form")]
    | Annotated[Lognormal, Tag("median form")]
    | Annotated[Triangular, Tag("triangular form")],
    Discriminator(_latency_form, custom_error_type="latency",
                  custom_error_message="this is not a latency — " + LATENCY_FORMS),
]

# --------------------------------------------------------------------------- filters

Scalar = str | int | float | bool


def _filter(value: dict[str, Any]) -> dict[str, Any]:
    if "event" not in value:
        raise PydanticCustomError("filter", "a filter names its event — add 'event: <event name>'")
    return value


Filter = Annotated[dict[str, Scalar | tuple[Scalar, ...]], AfterValidator(_filter)]

# --------------------------------------------------------------------------- the world


class Action(Model):
    """A verb of the scenario; `touches` names shared resources it affects."""

    id: Id
    name: str | None = None
    touches: tuple[str, ...] = ()
    remote: bool = False


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
        if self.detected_by is None:
            return ()
        return (self.detected_by,) if isinstance(self.detected_by, str) else self.detected_by


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


STEP_KEYS = ("assume_lead", "handoff", "notify", "request", "coordinate", "act")

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
        return (self.to,) if isinstance(self.to, str) else self.to


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
        return next((o for o in self.options if o.id == option_id), None)


# --------------------------------------------------------------------------- objectives


class Within(Model):
    from_: Filter = Field(alias="from")
    to: Filter
    limit: PositiveDuration


class Before(Model):
    first: Filter
    then: Filter


class Objective(Model):
    """What the evaluators score, as a measure over the journal."""

    id: Id
    text: str
    capability: str | None = None
    within: Within | None = None
    never: Filter | None = None
    before: Before | None = None

    @model_validator(mode="after")
    def _check(self) -> Any:
        given = [m for m in ("within", "never", "before") if getattr(self, m) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "measure", "an objective has exactly one measure: within, never or before"
                + (f" (found {', '.join(given)}) — keep one" if given else " — add one"))
        return self

    @property
    def measure(self) -> str:
        return "within" if self.within else "never" if self.never is not None else "before"


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
        if self.detected_by is None:
            return ()
        return (self.detected_by,) if isinstance(self.detected_by, str) else self.detected_by


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
