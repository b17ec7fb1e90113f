"""Events in the exercise's words: wall-clock labels, `T+` times and one sentence each.

The CLI's timeline, the console's event log and the AAR/IP all speak through here, so a
fact reads the same wherever a facilitator or reviewer meets it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sim import events as ev
from sim.values import duration_text

_SENTENCES = {
    "exercise_started": "Exercise starts: {title}",
    "exercise_ended": "Exercise ends ({reason})",
    "exercise_paused": "Clock paused by the controller {text}",
    "exercise_resumed": "Clock resumed by the controller",
    "zone_entered": "{incident} enters {zone}",
    "detected": "{by} detects {incident} in {zone}",
    "incident_left": "{incident} leaves the exercise area",
    "lead_assigned": "{agency} takes the lead on {incident}",
    "lead_gap": "LEAD GAP: {incident} in {zone} has no lead with jurisdiction there",
    "lead_gap_closed": "Lead gap on {incident} in {zone} closed",
    "handoff_requested": "{from} asks {to} to take the lead on {incident}",
    "handoff_accepted": "{to} accepts the lead on {incident} from {from}",
    "handoff_declined": "{to} declines the lead on {incident}: {reason}",
    "coordination_requested": "{agency} asks {with} to deconflict {domain} in {zone} ({incident})",
    "coordination_granted": "{with} deconflicts {domain} in {zone} for {agency} ({incident})",
    "approval_requested": "{agency} asks {by} to approve '{action}' on {incident} ({authority})",
    "approval_granted": "{by} approves '{action}' on {incident} by {agency}",
    "action_requested": "{from} asks {to} to '{action}' on {incident}",
    "action_taken": "{agency} takes action '{action}' on {incident} in {zone}",
    "violation": "VIOLATION ({rule}): {detail}",
    "notified": "{from} informs {to} about {incident}",
    "data_shared": "{to} receives {data} on {incident} from {from}",
    "message_undeliverable": "{from} cannot reach {to} about {incident}: no channel ({message})",
    "inject_delivered": "Inject {inject} to {to}: {text}",
    "inject_held": "Inject {inject} held by the controller{for}: it will not fire by itself{why}",
    "inject_released": "Inject {inject} released by the controller: it fires by itself again",
    "decision_opened": "Decision {decision} opens for {cell}",
    "decision_made": "Decision {decision}: {cell} takes '{option}'{how}",
    "note": "Note by {author}{about}: {text}",
    "objective_rated": "{by} rates {objective} '{rating}': {why}",
    "channel_down": "Channel {between} is down",
    "channel_up": "Channel {between} is back up",
    "traffic_started": "Traffic active in {zone}",
    "traffic_ended": "Traffic in {zone} ends",
    "agency_withdrawn": "{agency} withdraws from the exercise",
    "agency_returned": "{agency} returns to the exercise",
}


def describe(event: ev.Event) -> str:
    """One sentence for a person."""
    fields = {k: " – ".join(v) if k == "between" else ", ".join(v) if isinstance(v, tuple)
              else v for k, v in ev.fields_of(event).items()}
    if event.kind == "decision_made":
        fields["how"] = {"default": " (by default: no decision by the deadline)",
                         "policy": " (by policy)"}.get(event.by, "")
    if event.kind == "note":
        fields["about"] = f" on {event.objective}" if event.objective else ""
    if event.kind == "exercise_paused":
        fields["text"] = f"— {event.text}" if event.text else ""
    if event.kind == "inject_held":
        fields["why"] = f" — {event.why}" if event.why else ""
        fields["for"] = f" for {duration_text(event.for_)}" if event.for_ else ""
    return _SENTENCES[event.kind].format(**fields).rstrip()


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 inject`, `3 injects`, `2 agencies`: a count with its noun as people write it."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def tplus(t: float) -> str:
    """`T+15m`, `T+1h05m`: minutes since the start, rounded down."""
    minutes = int(t + 1e-9)
    return f"T+{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"T+{minutes}m"


def start_of(label: str) -> datetime:
    """The scenario's `clock.start` label as a datetime (a bare time is put on day 1)."""
    try:
        return datetime.fromisoformat(label)
    except ValueError:
        return datetime.combine(datetime(2000, 1, 1), time.fromisoformat(label))


def wall(start: datetime, t: float) -> str:
    """The wall-clock label of sim time `t`, `HH:MM`."""
    return (start + timedelta(minutes=t)).strftime("%H:%M")


def line(start: datetime, event: ev.Event) -> str:
    """`02:15 T+15m  sentence` — the timeline's line for an event."""
    return f"{wall(start, event.t)} {tplus(event.t):>8}  {describe(event)}"


def filter_text(event_filter: dict[str, Any]) -> str:
    """`'zone_entered' (incident c1, zone strip or town)` for an event filter."""
    said = [f"{key} {' or '.join(map(str, value)) if isinstance(value, tuple | list) else value}"
            for key, value in event_filter.items() if key != "event"]
    return f"'{event_filter['event']}'" + (f" ({', '.join(said)})" if said else "")


def bounds_text(at_least: int | None, at_most: int | None) -> str:
    """`at most 50`, `at least 3` or `3 to 50` for a count objective's bounds."""
    if at_least is None:
        return f"at most {at_most}"
    return f"at least {at_least}" if at_most is None else f"{at_least} to {at_most}"
