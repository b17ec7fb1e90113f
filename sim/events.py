"""What happened: the journal's vocabulary.

An event is a fact — numbered (`seq` 1, 2, …), stamped with sim time `t` in minutes, and
never changed once emitted. Events are the only thing the journal stores and the only
input of `State`; `when` triggers and objectives match on their fields. They are slotted
dataclasses — not pydantic models, and not frozen ones, whose construction doubled the
cost of emitting a fact — because the engine makes about a million of them in a year-long
run; `encode`/`decode` are the one place they meet JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import orjson

from sim.errors import JournalError

Id = str  # an id (the text `sim.values.Id` allows) — checked where it enters (scenario,
# command), so the journal writes it into JSON as it is (see `_encoder`)


@dataclass(slots=True, kw_only=True)
class Event:
    seq: int = 0  # numbered and stamped by the engine as it emits the event
    t: float = 0.0
    kind: ClassVar[str] = "event"


@dataclass(slots=True, kw_only=True)
class ExerciseStarted(Event):
    kind: ClassVar[str] = "exercise_started"
    title: str


@dataclass(slots=True, kw_only=True)
class ExerciseEnded(Event):
    kind: ClassVar[str] = "exercise_ended"
    reason: str


@dataclass(slots=True, kw_only=True)
class ExercisePaused(Event):
    kind: ClassVar[str] = "exercise_paused"
    text: str = ""


@dataclass(slots=True, kw_only=True)
class ExerciseResumed(Event):
    kind: ClassVar[str] = "exercise_resumed"


@dataclass(slots=True, kw_only=True)
class ZoneEntered(Event):
    kind: ClassVar[str] = "zone_entered"
    incident: Id
    zone: Id


@dataclass(slots=True, kw_only=True)
class Detected(Event):
    kind: ClassVar[str] = "detected"
    incident: Id
    by: Id
    zone: Id


@dataclass(slots=True, kw_only=True)
class IncidentLeft(Event):
    kind: ClassVar[str] = "incident_left"
    incident: Id


@dataclass(slots=True, kw_only=True)
class LeadAssigned(Event):
    kind: ClassVar[str] = "lead_assigned"
    incident: Id
    agency: Id


@dataclass(slots=True, kw_only=True)
class LeadGap(Event):
    kind: ClassVar[str] = "lead_gap"
    incident: Id
    zone: Id


@dataclass(slots=True, kw_only=True)
class LeadGapClosed(Event):
    kind: ClassVar[str] = "lead_gap_closed"
    incident: Id
    zone: Id


@dataclass(slots=True, kw_only=True)
class HandoffRequested(Event):
    kind: ClassVar[str] = "handoff_requested"
    incident: Id
    from_: Id
    to: Id


@dataclass(slots=True, kw_only=True)
class HandoffAccepted(Event):
    kind: ClassVar[str] = "handoff_accepted"
    incident: Id
    from_: Id
    to: Id


@dataclass(slots=True, kw_only=True)
class HandoffDeclined(Event):
    kind: ClassVar[str] = "handoff_declined"
    incident: Id
    from_: Id
    to: Id
    reason: str


@dataclass(slots=True, kw_only=True)
class CoordinationRequested(Event):
    kind: ClassVar[str] = "coordination_requested"
    incident: Id
    agency: Id
    with_: Id
    domain: str
    zone: Id


@dataclass(slots=True, kw_only=True)
class CoordinationGranted(Event):
    kind: ClassVar[str] = "coordination_granted"
    incident: Id
    agency: Id
    with_: Id
    domain: str
    zone: Id


@dataclass(slots=True, kw_only=True)
class ApprovalRequested(Event):
    kind: ClassVar[str] = "approval_requested"
    incident: Id
    agency: Id
    by: Id
    authority: Id
    action: Id


@dataclass(slots=True, kw_only=True)
class ApprovalGranted(Event):
    kind: ClassVar[str] = "approval_granted"
    incident: Id
    agency: Id
    by: Id
    authority: Id
    action: Id


@dataclass(slots=True, kw_only=True)
class ActionRequested(Event):
    kind: ClassVar[str] = "action_requested"
    incident: Id
    from_: Id
    to: Id
    action: Id


@dataclass(slots=True, kw_only=True)
class ActionTaken(Event):
    kind: ClassVar[str] = "action_taken"
    incident: Id
    agency: Id
    action: Id
    zone: Id


@dataclass(slots=True, kw_only=True)
class Violation(Event):
    kind: ClassVar[str] = "violation"
    rule: Id
    incident: Id
    agency: Id
    action: Id
    zone: Id
    detail: str


@dataclass(slots=True, kw_only=True)
class Notified(Event):
    kind: ClassVar[str] = "notified"
    incident: Id
    from_: Id
    to: Id


@dataclass(slots=True, kw_only=True)
class DataShared(Event):
    kind: ClassVar[str] = "data_shared"
    incident: Id
    from_: Id
    to: Id
    data: Id


@dataclass(slots=True, kw_only=True)
class MessageUndeliverable(Event):
    kind: ClassVar[str] = "message_undeliverable"
    incident: Id
    from_: Id
    to: Id
    message: str


@dataclass(slots=True, kw_only=True)
class InjectDelivered(Event):
    kind: ClassVar[str] = "inject_delivered"
    inject: Id
    to: tuple[str, ...]
    text: str


@dataclass(slots=True, kw_only=True)
class InjectHeld(Event):
    kind: ClassVar[str] = "inject_held"
    inject: Id
    why: str = ""
    for_: float | None = None  # minutes, when held for a while: released then


@dataclass(slots=True, kw_only=True)
class InjectReleased(Event):
    kind: ClassVar[str] = "inject_released"
    inject: Id


@dataclass(slots=True, kw_only=True)
class DecisionOpened(Event):
    kind: ClassVar[str] = "decision_opened"
    decision: Id
    cell: Id
    deadline: float
    incident: str | None = None


@dataclass(slots=True, kw_only=True)
class DecisionMade(Event):
    kind: ClassVar[str] = "decision_made"
    decision: Id
    cell: Id
    option: Id
    by: Id
    incident: str | None = None


@dataclass(slots=True, kw_only=True)
class Note(Event):
    kind: ClassVar[str] = "note"
    text: str
    author: str
    objective: str | None = None


@dataclass(slots=True, kw_only=True)
class ObjectiveRated(Event):
    kind: ClassVar[str] = "objective_rated"
    objective: str
    rating: str
    by: str
    why: str


@dataclass(slots=True, kw_only=True)
class ChannelWentDown(Event):
    kind: ClassVar[str] = "channel_down"
    between: tuple[str, ...]


@dataclass(slots=True, kw_only=True)
class ChannelCameUp(Event):
    kind: ClassVar[str] = "channel_up"
    between: tuple[str, ...]


@dataclass(slots=True, kw_only=True)
class TrafficStarted(Event):
    kind: ClassVar[str] = "traffic_started"
    zone: Id


@dataclass(slots=True, kw_only=True)
class TrafficEnded(Event):
    kind: ClassVar[str] = "traffic_ended"
    zone: Id


@dataclass(slots=True, kw_only=True)
class AgencyWithdrawn(Event):
    kind: ClassVar[str] = "agency_withdrawn"
    agency: Id


@dataclass(slots=True, kw_only=True)
class AgencyReturned(Event):
    kind: ClassVar[str] = "agency_returned"
    agency: Id


# --------------------------------------------------------------------------- names and JSON

EVENT_TYPES: dict[str, type[Event]] = {cls.kind: cls for cls in Event.__subclasses__()}  # by
# journal name


def public_name(field: str) -> str:
    """`from_` → `from`: Python keywords carry a trailing underscore, the journal does not."""
    return field[:-1] if field.endswith("_") else field


EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(public_name(f.name) for f in fields(cls) if f.name not in ("seq", "t"))
    for kind, cls in EVENT_TYPES.items()
}
_PY_NAMES: dict[str, dict[str, str]] = {
    kind: {public_name(f.name): f.name for f in fields(cls)} for kind, cls in EVENT_TYPES.items()
}


def _payload_function(names: dict[str, str]) -> Callable[[Event], dict[str, Any]]:
    """`lambda e: {"from": e.from_, "incident": e.incident, ...}` for one kind, keys in sorted
    order (canonical JSON without sorting). Generated, as dataclasses generate `__init__`:
    a dict display is twice as fast as building the dict in a loop, and the journal builds
    one for every event."""
    pairs = sorted((public, py) for public, py in names.items() if public not in ("seq", "t"))
    body = ", ".join(f"{public!r}: e.{py}" for public, py in pairs)
    return eval(f"lambda e: {{{body}}}")  # only our own field names go into the source


_SEVERAL: dict[str, frozenset[str]] = {  # the attributes that hold several values
    kind: frozenset(f.name for f in fields(cls) if str(f.type).startswith("tuple"))
    for kind, cls in EVENT_TYPES.items()
}
_PAYLOAD: dict[str, Callable[[Event], dict[str, Any]]] = {
    kind: _payload_function(names) for kind, names in _PY_NAMES.items()
}


def _encoder(kind: str, names: dict[str, str]) -> Callable[[Event], str]:
    """The canonical JSON of one kind's payload. When every field is an `Id`, a generated
    %-format of its values (`'{"incident":"%s","zone":"%s"}' % (e.incident, e.zone)`): an id
    holds no character JSON escapes, and formatting is a fifth of the cost of building a
    dict and encoding it, for most of a year's million facts. Otherwise orjson."""
    pairs = sorted((public, py) for public, py in names.items() if public not in ("seq", "t"))
    types = {f.name: str(f.type) for f in fields(EVENT_TYPES[kind])}
    if not pairs or any(types[py] != "Id" for _, py in pairs):
        payload = _PAYLOAD[kind]
        return lambda e: orjson.dumps(payload(e)).decode()
    template = "{" + ",".join(f'"{public}":"%s"' for public, _ in pairs) + "}"
    values = ", ".join(f"e.{py}" for _, py in pairs)
    return eval(f"lambda e: {template!r} % ({values},)")  # only our own field names


_ENCODE: dict[str, Callable[[Event], str]] = {
    kind: _encoder(kind, names) for kind, names in _PY_NAMES.items()
}


def attribute_of(kind: str, name: str) -> str:
    """The attribute that holds a field of an event kind, by the field's public name."""
    return _PY_NAMES[kind][name]


def fields_of(event: Event) -> dict[str, Any]:
    """The event's payload under its public names (no seq, t or kind)."""
    return _PAYLOAD[event.kind](event)


def as_record(event: Event) -> dict[str, Any]:
    """The event as one flat mapping: seq, t, kind, then its fields."""
    return {"seq": event.seq, "t": event.t, "kind": event.kind, **fields_of(event)}


def encode(event: Event) -> str:
    """Canonical JSON of the payload: sorted keys, no spaces, so equal events are equal bytes.
    (orjson, or a format for ids alone: the journal encodes every event.)"""
    return _ENCODE[event.kind](event)


def decode(seq: int, t: float, kind: str, payload: str) -> Event:
    """Rebuild an event from its journal row; a row that is not ours is a `JournalError`."""
    try:
        cls = EVENT_TYPES[kind]
        names = _PY_NAMES[kind]
        data = {names[k]: tuple(v) if isinstance(v, list) else v
                for k, v in orjson.loads(payload).items()}
        return cls(seq=seq, t=t, **data)
    except (KeyError, TypeError, ValueError) as error:
        raise JournalError(f"event {seq} in the journal is not a tabletop event ({kind}: "
                           f"{error}) — the file is damaged or from another tool") from None


def matches(event: Event, event_filter: dict[str, Any]) -> bool:
    """Does the event satisfy a filter such as `{event: zone_entered, zone: [a, b]}`?"""
    return event.kind == event_filter["event"] and matches_fields(event, event_filter)


def matching(events: Iterable[Event], event_filter: dict[str, Any]) -> Iterator[Event]:
    """The events that satisfy a filter, in order: `matches` with its field test compiled
    once and the kind compared first (objectives scan every event of a year's runs)."""
    kind, test = event_filter["event"], fields_test(event_filter["event"], event_filter)
    return (e for e in events if e.kind == kind and test(e))


def fields_test(kind: str, wanted: dict[str, Any]) -> Callable[[Event], bool]:
    """`matches_fields` compiled for the events of one kind: `lambda e: e.by in o0 and …`,
    each filter value a set. Generated like the payloads: a year tests ~10^5 events against
    standing orders' filters, and the general loop cost more than the orders' work."""
    return _compiled_test(kind, tuple(
        (key, tuple(options) if isinstance(options, tuple | list) else (options,))
        for key, options in wanted.items() if key != "event"))


@functools.cache
def _compiled_test(kind: str, wanted: tuple[tuple[str, tuple], ...]) -> Callable[[Event], bool]:
    """Compiled once per filter and process: a batch starts thousands of short runs, and
    compiling cost more than a run's triggers."""
    clauses, values = [], {}
    for n, (key, options) in enumerate(wanted):
        attribute = _PY_NAMES[kind][key]
        values[f"o{n}"] = frozenset(options)
        clauses.append(f"not o{n}.isdisjoint(e.{attribute})" if attribute in _SEVERAL[kind]
                       else f"e.{attribute} in o{n}")
    return eval(f"lambda e: {' and '.join(clauses) or 'True'}", values)  # our own names only


def matches_fields(event: Event, wanted: dict[str, Any]) -> bool:
    """Do the event's fields have the values a filter asks for (its `event` key aside)?

    A list in the filter means any of its values; a list in the event (the recipients
    of an inject, the ends of a channel) matches when any of its values does."""
    names = _PY_NAMES[event.kind]
    for key, options in wanted.items():
        if key == "event":
            continue
        have = getattr(event, names[key])
        options = options if isinstance(options, tuple | list) else (options,)
        values = have if isinstance(have, tuple) else (have,)
        if not any(v in options for v in values):
            return False
    return True
