"""`count` objectives: how many events match, against `at_most` and `at_least` — scored at
the end with every matching event as evidence, decided early as soon as nothing later can
change the verdict, written out in the EEG, and refused with the fix when malformed."""

from __future__ import annotations

from conftest import run, world
from loader_support import AGENCIES, problems, story, write

from sim.documents import measure_text
from sim.evaluate import evaluate
from sim.loader import load_scenario_text
from sim.progress import MET, NOT_MET, OPEN, ObjectiveWatch
from sim.rating import proposals

# c1 enters `far` at 5m, `strip` at 20m and `town` at 40m: three zone_entered events.
COUNTS = """
objectives:
  - {id: O-1, text: Three moves at most., count: {of: {event: zone_entered}, at_most: 3}}
  - {id: O-2, text: Two moves at most., count: {of: {event: zone_entered}, at_most: 2}}
  - {id: O-3, text: Three moves at least., count: {of: {event: zone_entered}, at_least: 3}}
  - {id: O-4, text: Four moves at least., count: {of: {event: zone_entered}, at_least: 4}}
  - {id: O-5, text: Town once., count: {of: {event: zone_entered, zone: town}, at_least: 1, at_most: 1}}
"""


def scored(text: str) -> dict[str, tuple[bool, str, tuple[int, ...]]]:
    events = run(text)
    return {r.objective.id: (r.met, r.detail, r.evidence)
            for r in evaluate(load_scenario_text(text, "story.yaml"), events)}


def test_a_count_is_met_within_its_bounds_with_every_matching_event_as_evidence():
    events = run(world(COUNTS))
    moves = tuple(e.seq for e in events if e.kind == "zone_entered")
    town = tuple(e.seq for e in events if e.kind == "zone_entered" and e.zone == "town")
    assert len(moves) == 3 and len(town) == 1
    assert scored(world(COUNTS)) == {
        "O-1": (True, "happened 3 times (at most 3)", moves),
        "O-2": (False, "happened 3 times (at most 2)", moves),
        "O-3": (True, "happened 3 times (at least 3)", moves),
        "O-4": (False, "happened 3 times (at least 4)", moves),
        "O-5": (True, "happened 1 time (1 to 1)", town)}


def test_a_count_is_open_until_nothing_later_can_change_it():
    """At 10m (one move) all are open and say how many so far; at 20m (two) still; the third
    move at 40m breaks the `at_most: 2` and meets the `at_least: 3` at once; the others
    stay open to the end, where they close as the evaluation says."""
    text = world(COUNTS)
    events = run(text)
    watch = ObjectiveWatch(load_scenario_text(text, "story.yaml").objectives)
    watch.catch_up(events)

    def at(t: float) -> dict[str, tuple[str, str]]:
        seq = max(e.seq for e in events if e.t <= t)
        return {p.objective.id: (p.verdict, p.detail) for p in watch.at(seq, t, ended=False)}

    assert at(10.0) == {
        "O-1": (OPEN, "1 so far (at most 3): 'zone_entered'"),
        "O-2": (OPEN, "1 so far (at most 2): 'zone_entered'"),
        "O-3": (OPEN, "1 so far (at least 3): 'zone_entered'"),
        "O-4": (OPEN, "1 so far (at least 4): 'zone_entered'"),
        "O-5": (OPEN, "0 so far (1 to 1): 'zone_entered' (zone town)")}
    assert at(20.0)["O-2"] == (OPEN, "2 so far (at most 2): 'zone_entered'")
    at_40m = at(40.0)
    assert at_40m["O-2"] == (NOT_MET, "happened 3 times (at most 2)")
    assert at_40m["O-3"] == (MET, "happened 3 times (at least 3)")
    assert {at_40m[o][0] for o in ("O-1", "O-4", "O-5")} == {OPEN}
    final = {p.objective.id: (p.verdict, p.detail)
             for p in watch.at(events[-1].seq, events[-1].t, ended=True)}
    assert final == {o: (MET if met else NOT_MET, detail)
                     for o, (met, detail, _) in scored(text).items()}


def test_the_eeg_and_the_rating_read_a_count():
    """The EEG says what is counted and the bounds; a count met with no violation or lead
    gap along the way is proposed P, one not met U."""
    text = world(COUNTS)
    scenario = load_scenario_text(text, "story.yaml")
    o5 = next(o for o in scenario.objectives if o.id == "O-5")
    assert measure_text(o5) == ("how many times 'zone_entered' (zone town) happens; met when "
                                "1 to 1")
    proposed = {k: p.rating for k, p in proposals(scenario, run(text)).items()}
    assert proposed["O-2"] == proposed["O-4"] == "U"
    assert proposed["O-1"] in {"P", "S"} and proposed["O-3"] in {"P", "S"}


def test_a_malformed_count_is_refused_where_it_is_written(tmp_path):
    """No bound, bounds that no run can meet, a negative bound, an event that does not
    exist: each named at its line with the fix."""
    path = write(tmp_path, story("""\
        objectives:
          - {id: O-1, text: No bound., count: {of: {event: violation}}}
          - {id: O-2, text: Crossed., count: {of: {event: violation}, at_least: 5, at_most: 2}}
          - {id: O-3, text: Negative., count: {of: {event: violation}, at_most: -1}}
          - {id: O-4, text: Misspelt., count: {of: {event: violaton}, at_most: 1}}
        """, AGENCIES))
    found = problems(path)
    assert found[0] == (f"{path}:2:39: objectives[0].count: a count needs a bound — add "
                        "'at_most: N' or 'at_least: N' (or both)")
    assert found[1] == (f"{path}:3:38: objectives[1].count: at_least is more than at_most, so "
                        "no run can meet it — swap or correct them")
    assert found[2] == (f"{path}:4:73: objectives[2].count.at_most: '-1' is too small — "
                        "make it at least 0")
    assert len(found) == 3  # references are checked once the models are valid


def test_a_count_of_an_unknown_event_suggests_the_event_meant(tmp_path):
    path = write(tmp_path, story("""\
        objectives:
          - {id: O-1, text: Misspelt., count: {of: {event: violaton}, at_most: 1}}
        """, AGENCIES))
    [problem] = problems(path)
    assert problem.startswith(f"{path}:2:") and "objectives[0].count.of" in problem
    assert "did you mean 'violation'?" in problem


def test_an_objective_with_two_measures_names_count_among_them(tmp_path):
    path = write(tmp_path, story("""\
        objectives:
          - id: O-1
            text: Two at once.
            never: {event: violation}
            count: {of: {event: violation}, at_most: 1}
        """, AGENCIES))
    [problem] = problems(path)
    assert problem.endswith("an objective has exactly one measure: within, never, before or "
                            "count (found never, count) — keep one")
