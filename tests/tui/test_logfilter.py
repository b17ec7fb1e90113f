"""The log's filters: the index finds exactly the events each filter means, however the
record grew, and over any window of it (review shows a prefix of the record)."""

from __future__ import annotations

import random

import pytest
from console_support import ROOT

from sim import events as ev
from sim.engine import Exercise
from sim.loader import load_scenario
from sim.state import State
from tui.logfilter import AGENCY_FIELDS, EventIndex, FilterMenu, LogFilter

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def shows(log_filter: LogFilter, event: ev.Event) -> bool:
    """What a filter means, said plainly: the oracle the index is checked against."""
    if log_filter.by == "all":
        return True
    if log_filter.by == "kinds":
        return event.kind in log_filter.value
    payload = ev.fields_of(event)
    if log_filter.by == "incident":
        return payload.get("incident") == log_filter.value
    named = [value for name, value in payload.items() if name in AGENCY_FIELDS]
    return any(log_filter.value == value or (isinstance(value, tuple)
                                             and log_filter.value in value) for value in named)


def record_of(path) -> tuple[list[ev.Event], list[LogFilter]]:
    """A run's events (the year's first four days) and every filter the console offers."""
    scenario = load_scenario(str(path))
    exercise = Exercise(scenario, 5)
    events = exercise.advance_to(4 * 1440)
    state = State.of(events)
    menu = FilterMenu(scenario)
    offered = [*menu.choices(state), *menu.contacts(state)]
    return events, offered + [LogFilter("agency", "nobody-here"), LogFilter("incident", "none"),
                              LogFilter("kinds", ("message_undeliverable",)),
                              LogFilter("kinds", ("note", "objective_rated"))]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_index_finds_what_each_filter_means(path):
    events, offered = record_of(path)
    assert any(f.by == "agency" for f in offered) and any(f.by == "incident" for f in offered)
    index = EventIndex(events)
    grown = 0
    rng = random.Random(path.stem)
    while grown < len(events):  # the record grows in steps, as a live console shows it
        grown = min(len(events), grown + rng.randint(1, 40))
        index.catch_up(grown)
    for log_filter in offered:
        for start, stop in [(0, len(events)), sorted(rng.sample(range(len(events) + 1), 2))]:
            wanted = [i for i in range(start, stop) if shows(log_filter, events[i])]
            assert index.select(log_filter, start, stop) == wanted, log_filter.label


def test_an_event_naming_an_agency_twice_is_listed_once():
    """A handoff to oneself, a channel listed with both ends: one row, not two."""
    record = [ev.HandoffRequested(seq=1, incident="c1", from_="police", to="police"),
              ev.ChannelWentDown(seq=2, between=("police", "police"))]
    index = EventIndex(record)
    assert index.select(LogFilter("agency", "police"), 0, 2) == [0, 1]


def test_select_files_what_it_has_not_seen_yet():
    """Asked before the log caught up, the index files the events it needs first."""
    record = [ev.ZoneEntered(seq=n + 1, incident=f"c{n % 3}", zone="z") for n in range(9)]
    assert EventIndex(record).select(LogFilter("incident", "c1"), 0, 9) == [1, 4, 7]
