"""`when` triggers, indexed so that an event meets only the filters that could match it.

A year-long run emits about a million events against dozens of standing orders and
decisions, most of them about one zone or one agency; matching every event against
every filter dominated the run. Each filter is filed under its event kind and, when it has
one, under the value of its first field (`zone: z07`); what the index already settles is
not checked again. Triggers fire in the order they were added, which is scenario-file
order, so runs stay deterministic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sim import events as ev


@dataclass(eq=False)
class Trigger:
    order: int
    event_filter: dict[str, Any]
    then: Callable[[ev.Event], Any]
    rest: Callable[[ev.Event], bool] | None  # tests what its place in the index does not settle
    live: bool = True


@dataclass
class _Kind:
    anywhere: list[Trigger] = field(default_factory=list)
    key: str | None = None  # the field whose value files the others
    attribute: str = ""  # …as the event's attribute (`from` → `from_`)
    by_value: dict[Any, list[Trigger]] = field(default_factory=lambda: defaultdict(list))
    merged: dict[Any, list[Trigger]] = field(default_factory=dict)  # anywhere + by_value[v]


class Triggers:
    """Filters and what to do when an event matches them."""

    def __init__(self) -> None:
        self.kinds: dict[str, _Kind] = {}  # the event kinds some filter names, and their index
        self._added = 0

    def add(self, event_filter: dict[str, Any], then: Callable[[ev.Event], Any]) -> Trigger:
        """File a trigger; it runs at every matching event while it is `live`."""
        self._added += 1
        kind = self.kinds.setdefault(event_filter["event"], _Kind())
        fields = [k for k in event_filter if k != "event"]
        if kind.key is None and fields:
            kind.key = fields[0]
            kind.attribute = ev.attribute_of(event_filter["event"], kind.key)
        key = kind.key if kind.key in event_filter else None  # the filter is filed under it
        rest = {k: v for k, v in event_filter.items() if k not in ("event", key)}
        test = ev.fields_test(event_filter["event"], rest) if rest else None
        trigger = Trigger(self._added, event_filter, then, test)
        kind.merged.clear()
        if key is not None:
            wanted = event_filter[key]
            for value in wanted if isinstance(wanted, tuple | list) else (wanted,):
                kind.by_value[value].append(trigger)
        else:
            kind.anywhere.append(trigger)
        return trigger

    def fire(self, event: ev.Event) -> None:
        """Run, in the order they were added, the live triggers whose filter matches."""
        kind = self.kinds.get(event.kind)
        if kind is None:
            return
        candidates = kind.anywhere
        if kind.key is not None:
            have = getattr(event, kind.attribute)
            if isinstance(have, tuple):  # several values: a trigger may be filed under two
                filed = list(dict.fromkeys([t for value in have
                                            for t in kind.by_value.get(value, ())]))
                candidates = sorted(candidates + filed, key=_order)
            elif have in kind.by_value:
                if have not in kind.merged:
                    kind.merged[have] = sorted(candidates + kind.by_value[have], key=_order)
                candidates = kind.merged[have]
        for trigger in tuple(candidates):  # a trigger may add others as it runs
            if trigger.live and (trigger.rest is None or trigger.rest(event)):
                trigger.then(event)


def _order(trigger: Trigger) -> int:
    return trigger.order
