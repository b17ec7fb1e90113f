"""`when` triggers fire on exactly the events their filters match, once each, in the order
they were added — whether the index or the rest of the filter decides."""

from __future__ import annotations

from sim import events as ev
from sim.triggers import Triggers


def fired(filters: list[dict], event: ev.Event) -> list[int]:
    """The numbers of the filters (in `filters` order) that fire at this event."""
    triggers, seen = Triggers(), []
    for n, event_filter in enumerate(filters):
        triggers.add(event_filter, lambda e, n=n: seen.append(n))
    triggers.fire(event)
    return seen


ENTERED = ev.ZoneEntered(seq=1, t=0.0, incident="c1", zone="z2")


def test_filters_on_the_indexed_field_and_anywhere_fire_in_the_order_added():
    """A filter without the indexed field and ones filed under it interleave by order."""
    filters = [{"event": "zone_entered", "zone": "z2"}, {"event": "zone_entered"},
               {"event": "zone_entered", "zone": ["z1", "z2"]},
               {"event": "zone_entered", "zone": "z3"}, {"event": "detected"}]
    assert fired(filters, ENTERED) == [0, 1, 2]


def test_the_rest_of_a_filter_is_still_checked():
    """Fields beside the indexed one must match too."""
    filters = [{"event": "zone_entered", "zone": "z2", "incident": "c9"},
               {"event": "zone_entered", "zone": "z2", "incident": ["c1", "c2"]},
               {"event": "zone_entered", "incident": "c1"}]
    assert fired(filters, ENTERED) == [1, 2]


def test_an_event_listing_several_values_fires_a_trigger_once():
    """An inject to two agencies meets a filter naming both of them once, not twice."""
    delivered = ev.InjectDelivered(seq=1, t=0.0, inject="M-1", to=("bp", "cpb"), text="")
    filters = [{"event": "inject_delivered", "to": ["bp", "cpb"]},
               {"event": "inject_delivered", "to": "sheriff"},
               {"event": "inject_delivered", "to": "cpb"}]
    assert fired(filters, delivered) == [0, 2]


def test_a_trigger_that_is_no_longer_live_stays_silent():
    """`live = False` (an inject that fires once) stops a trigger for good."""
    triggers, seen = Triggers(), []
    once = triggers.add({"event": "zone_entered", "zone": "z2"}, seen.append)
    triggers.fire(ENTERED)
    once.live = False
    triggers.fire(ENTERED)
    assert seen == [ENTERED]


def test_a_trigger_added_later_fires_at_the_next_event_in_its_place():
    """The order of triggers met by a value is remembered, and forgotten when one is added."""
    triggers, seen = Triggers(), []
    triggers.add({"event": "zone_entered"}, lambda e: seen.append("anywhere"))
    triggers.add({"event": "zone_entered", "zone": "z2"}, lambda e: seen.append("z2 first"))
    triggers.fire(ENTERED)
    triggers.add({"event": "zone_entered", "zone": "z2"}, lambda e: seen.append("z2 second"))
    triggers.fire(ENTERED)
    assert seen == ["anywhere", "z2 first", "anywhere", "z2 first", "z2 second"]


def test_compiled_field_tests_agree_with_the_general_match():
    """`fields_test` is `matches_fields` compiled: one value or several, a field holding one
    value or several, on events that match and events that do not."""
    events = [ENTERED, ev.ZoneEntered(seq=2, t=1.0, incident="c2", zone="z1"),
              ev.HandoffRequested(seq=3, t=2.0, incident="c1", from_="bp", to="tf"),
              ev.InjectDelivered(seq=4, t=3.0, inject="M-1", to=("bp", "cpb"), text="x"),
              ev.ChannelWentDown(seq=5, t=4.0, between=("bp", "tf"))]
    filters = [{"zone": "z2"}, {"zone": ["z1", "z3"]}, {"zone": "z2", "incident": "c2"},
               {"incident": ["c1", "c2"]}, {"from": "bp", "to": ["tf", "faa"]},
               {"from": "tf"}, {"to": "cpb"}, {"to": ["faa", "tf"]}, {"inject": "M-1"},
               {"between": "tf"}, {"between": ["faa"]}, {}]
    outcomes = []
    for event in events:
        for wanted in filters:
            if set(wanted) <= set(ev.EVENT_FIELDS[event.kind]):
                outcomes.append(ev.matches_fields(event, wanted))
                assert ev.fields_test(event.kind, wanted)(event) == outcomes[-1], (event, wanted)
    assert len(outcomes) == 23 and outcomes.count(True) == 15
