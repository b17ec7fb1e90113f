"""Cross-reference checks: every id a scenario uses refers to something it declares.

They run after the shape is validated and return *all* problems, each at the path of
the offending value, so the loader can point a planner at every line at once (a
pydantic `model_validator` could raise only the first, at the model's own line).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from sim.events import EVENT_FIELDS
from sim.scenario import Scenario
from sim.steps import (
    Act,
    AssumeLead,
    ChannelDown,
    Coordinate,
    HandOff,
    Notify,
    Request,
    Share,
    Traffic,
    Withdraw,
)

Path = tuple[str | int, ...]
Problem = tuple[Path, str]

RULES = ("authority", "jurisdiction", "approval", "deconfliction", "sharing")
DECIDED_BY = ("player", "default", "policy")


def unknown(what: str, value: str, known: Iterable[str]) -> str:
    """'unknown agency 'cpb' — did you mean 'cbp'?', or the list of what exists."""
    known = list(dict.fromkeys(known))
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {what} '{value}' — did you mean '{close[0]}'?"
    if not known:
        return f"unknown {what} '{value}' — the scenario declares none"
    listed = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    return f"unknown {what} '{value}' — known: {listed}"


class _Checker:
    def __init__(self, scenario: Scenario):
        self.s = scenario
        self.problems: list[Problem] = []
        self.ids = {
            "action": [a.id for a in scenario.actions],
            "zone": [z.id for z in scenario.zones],
            "authority": [a.id for a in scenario.authorities],
            "agency": [a.id for a in scenario.agencies],
            "data": [d.id for d in scenario.data],
            "incident": [i.id for i in scenario.incidents],
            "inject": [i.id for i in scenario.injects],
            "decision": [d.id for d in scenario.decisions],
            "objective": [o.id for o in scenario.objectives],
            "option": [o.id for d in scenario.decisions for o in d.options],
            "rule": list(RULES),
            "stream": [x.id for x in scenario.streams],
            "order": [x.id for x in scenario.orders],
            "variant": [x.id for x in scenario.variants],
        }
        self.zone_kinds = [z.kind for z in scenario.zones]
        self.streams = {stream.id for stream in scenario.streams}

    def ref(self, path: Path, what: str, value: str | None) -> None:
        if value is None or value in self.ids[what]:
            return
        if what == "incident" and value.rpartition("-")[0] in self.streams \
                and value.rpartition("-")[2].isdigit():
            return  # the n-th incident of a stream
        self.problems.append((path, unknown(what, value, self.ids[what])))

    def refs(self, path: Path, what: str, values: Iterable[str]) -> None:
        for i, value in enumerate(values):
            self.ref((*path, i), what, value)

    def unique(self, section: str, items: Iterable[Any], what: str) -> None:
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                self.problems.append(((section, i, "id"), f"{what} id '{item.id}' is used twice "
                                      f"(first at {section}[{first[item.id]}]) — rename one"))
            first.setdefault(item.id, i)

    def check(self) -> list[Problem]:
        s = self.s
        for section, what in (("actions", "action"), ("zones", "zone"),
                              ("authorities", "authority"), ("agencies", "agency"),
                              ("data", "data"),
                              ("incidents", "incident"), ("injects", "inject"),
                              ("decisions", "decision"), ("objectives", "objective"),
                              ("streams", "stream"), ("orders", "order"),
                              ("variants", "variant")):
            self.unique(section, getattr(s, section), what)
        self.world()
        self.incidents()
        self.injects()
        self.decisions()
        self.analysis()
        for i, objective in enumerate(s.objectives):
            at = ("objectives", i)
            if objective.within:
                self.filter((*at, "within", "from"), objective.within.from_)
                self.filter((*at, "within", "to"), objective.within.to)
            if objective.never is not None:
                self.filter((*at, "never"), objective.never)
            if objective.count is not None:
                self.filter((*at, "count", "of"), objective.count.of)
            if objective.before:
                self.filter((*at, "before", "first"), objective.before.first)
                self.filter((*at, "before", "then"), objective.before.then)
        return self.problems

    def world(self) -> None:
        s = self.s
        for i, zone in enumerate(s.zones):
            self.refs(("zones", i, "jurisdiction"), "agency", zone.jurisdiction)
            self.refs(("zones", i, "adjacent"), "zone", zone.adjacent)
            for resource, owner in zone.coordination.items():
                self.ref(("zones", i, "coordination", resource), "agency", owner)
        places = self.zone_kinds + self.ids["zone"]
        for i, authority in enumerate(s.authorities):
            self.refs(("authorities", i, "allows"), "action", authority.allows)
            for j, place in enumerate(authority.in_):
                if place not in places:
                    self.problems.append((("authorities", i, "in", j),
                                          unknown("zone kind", place, places)))
            if authority.approval:
                self.ref(("authorities", i, "approval", "by"), "agency", authority.approval.by)
        for i, agency in enumerate(s.agencies):
            self.refs(("agencies", i, "authorities"), "authority", agency.authorities)
        for i, data in enumerate(s.data):
            self.refs(("data", i, "recipients"), "agency", data.recipients or ())
        for i, channel in enumerate(s.channels):
            self.refs(("channels", i, "between"), "agency", channel.between)
            if len(set(channel.between)) != len(channel.between):
                self.problems.append((("channels", i, "between"),
                                      "a channel lists an agency twice — list each once"))

    def incidents(self) -> None:
        for i, incident in enumerate(self.s.incidents):
            at = ("incidents", i)
            last = None
            for j, step in enumerate(incident.path):
                self.ref((*at, "path", j, "zone"), "zone", step.zone)
                if last is not None and step.at <= last:
                    self.problems.append(((*at, "path", j, "at"), "this step is not later "
                                          "than the one before — path times must increase"))
                last = step.at
            if last is not None and incident.leaves <= last:
                self.problems.append(((*at, "leaves"), "the incident must leave after it enters "
                                      "its last zone — make 'leaves' later"))
            detectors = incident.detectors
            if isinstance(incident.detected_by, str):
                self.ref((*at, "detected_by"), "agency", incident.detected_by)
            else:
                self.refs((*at, "detected_by"), "agency", detectors)

    def injects(self) -> None:
        for i, inject in enumerate(self.s.injects):
            at = ("injects", i)
            if isinstance(inject.to, str):
                self.ref((*at, "to"), "agency", inject.to)
            else:
                self.refs((*at, "to"), "agency", inject.to)
            self.refs((*at, "objectives"), "objective", inject.objectives)
            if inject.when is not None:
                self.filter((*at, "when"), inject.when)
            for j, effect in enumerate(inject.effects):
                self.effect((*at, "effects", j), effect)

    def effect(self, at: Path, effect: Any) -> None:
        if isinstance(effect, Traffic):
            self.ref((*at, "traffic", "zone"), "zone", effect.traffic.zone)
        elif isinstance(effect, Withdraw):
            self.ref((*at, "withdraw", "agency"), "agency", effect.withdraw.agency)
        elif isinstance(effect, ChannelDown):
            between = effect.channel_down.between
            self.refs((*at, "channel_down", "between"), "agency", between)
            if all(a in self.ids["agency"] for a in between) and not any(
                    set(between) <= set(c.between) for c in self.s.channels):
                self.problems.append(((*at, "channel_down", "between"),
                                      "no channel connects " + " and ".join(between)
                                      + " — name agencies that share a channel"))

    def analysis(self) -> None:
        """Streams, standing orders and the headless policy."""
        s = self.s
        for i, stream in enumerate(s.streams):
            for j, route in enumerate(stream.routes):
                for k, stop in enumerate(route.path):
                    self.ref(("streams", i, "routes", j, "path", k, "zone"), "zone", stop.zone)
            if isinstance(stream.detected_by, str):
                self.ref(("streams", i, "detected_by"), "agency", stream.detected_by)
            else:
                self.refs(("streams", i, "detected_by"), "agency", stream.detectors)
        for i, order in enumerate(s.orders):
            if order.agency != "lead":
                self.ref(("orders", i, "agency"), "agency", order.agency)
            self.filter(("orders", i, "when"), order.when)
            subject = "incident" in EVENT_FIELDS.get(str(order.when.get("event")), ())
            for k, step in enumerate(order.do):
                self.step(("orders", i, "do", k), step, subject)
        decisions = {d.id: d for d in s.decisions}
        for decision_id, choice in s.policy.items():
            if decision_id not in decisions:
                self.problems.append((("policy", decision_id), unknown(
                    "decision", decision_id, decisions)))
                continue
            options = [o.id for o in decisions[decision_id].options]
            for option in [choice] if isinstance(choice, str) else choice:
                if option not in options:
                    where = ("policy", decision_id) if isinstance(choice, str) else (
                        "policy", decision_id, option)
                    self.problems.append((where, unknown("option", option, options)))
            if isinstance(choice, dict) and any(w < 0 for w in choice.values()) or \
                    isinstance(choice, dict) and not sum(choice.values()) > 0:
                self.problems.append((("policy", decision_id), "policy weights must be zero or "
                                      "more, and not all zero"))

    def decisions(self) -> None:
        for i, decision in enumerate(self.s.decisions):
            at = ("decisions", i)
            self.ref((*at, "cell"), "agency", decision.cell)
            option_ids = [o.id for o in decision.options]
            if decision.default not in option_ids:
                self.problems.append(((*at, "default"),
                                      unknown("option", decision.default, option_ids)))
            seen: set[str] = set()
            for j, option in enumerate(decision.options):
                if option.id in seen:
                    self.problems.append(((*at, "options", j, "id"), f"option id '{option.id}' "
                                          "is used twice in this decision — rename one"))
                seen.add(option.id)
            if decision.when is not None:
                self.filter((*at, "when"), decision.when)
            subject = decision.when is not None and "incident" in EVENT_FIELDS.get(
                str(decision.when.get("event")), ())
            for j, option in enumerate(decision.options):
                for k, step in enumerate(option.do):
                    self.step((*at, "options", j, "do", k), step, subject)

    def step(self, at: Path, step: Any, has_subject: bool) -> None:
        """Check one `do` step; `has_subject`: the triggering event names an incident."""
        key, incident_path = _STEP_INCIDENT[type(step)]
        if step.incident is None and not has_subject:
            self.problems.append(((*at, key), "say which incident this step is about — add "
                                  "'incident: <incident id>'"))
        self.ref((*at, *incident_path), "incident", step.incident)
        if isinstance(step, HandOff):
            self.ref((*at, "handoff", "to"), "agency", step.handoff.to)
        elif isinstance(step, Notify):
            self.ref((*at, "notify"), "agency", step.notify)
        elif isinstance(step, Share):
            self.ref((*at, "share"), "data", step.share)
            self.ref((*at, "with"), "agency", step.with_)
        elif isinstance(step, Request):
            self.ref((*at, "request", "by"), "agency", step.request.by)
            self.ref((*at, "request", "action"), "action", step.request.action)
        elif isinstance(step, Coordinate):
            self.ref((*at, "coordinate", "with"), "agency", step.coordinate.with_)
        elif isinstance(step, Act):
            self.ref((*at, "act"), "action", step.act)

    def filter(self, at: Path, event_filter: dict[str, Any]) -> None:
        kind = event_filter.get("event")
        if not isinstance(kind, str):
            self.problems.append(((*at, "event"), "a filter matches one event name — write "
                                  "'event: <event name>', and one filter per event"))
            return
        if kind not in EVENT_FIELDS:
            self.problems.append(((*at, "event"), unknown("event", str(kind), EVENT_FIELDS)))
            return
        for key, wanted in event_filter.items():
            if key == "event":
                continue
            if key not in EVENT_FIELDS[kind]:
                fields = ", ".join(EVENT_FIELDS[kind]) or "none"
                self.problems.append(((*at, key), f"'{kind}' events have no field '{key}' — "
                                      f"its fields are: {fields}"))
                continue
            values = wanted if isinstance(wanted, tuple) else (wanted,)
            for n, value in enumerate(values):
                where = (*at, key, n) if isinstance(wanted, tuple) else (*at, key)
                self.filter_value(where, kind, key, value)

    def filter_value(self, at: Path, kind: str, key: str, value: Any) -> None:
        if kind == "decision_made" and key == "by":
            if value not in DECIDED_BY:
                self.problems.append((at, unknown("decider", str(value), DECIDED_BY)))
            return
        what = _FILTER_FIELD_IDS.get(key)
        if what and (kind, key) not in _FREE_TEXT_FIELDS:
            self.ref(at, what, str(value))


_FILTER_FIELD_IDS = {
    "incident": "incident", "zone": "zone", "agency": "agency", "by": "agency",
    "from": "agency", "to": "agency", "with": "agency", "cell": "agency", "between": "agency",
    "decision": "decision", "inject": "inject", "option": "option", "action": "action",
    "authority": "authority", "objective": "objective", "rule": "rule",
}

_FREE_TEXT_FIELDS = {("objective_rated", "by")}  # an evaluator's name, not an agency

_STEP_INCIDENT: dict[type, tuple[str, Path]] = {
    AssumeLead: ("assume_lead", ("assume_lead",)),
    HandOff: ("handoff", ("handoff", "incident")),
    Notify: ("notify", ("incident",)),
    Share: ("share", ("incident",)),
    Request: ("request", ("request", "incident")),
    Coordinate: ("coordinate", ("coordinate", "incident")),
    Act: ("act", ("incident",)),
}


def check(scenario: Scenario) -> list[Problem]:
    """Every dangling reference and inconsistency, each with the path of its value."""
    return _Checker(scenario).check()

