"""One run becomes one tidy row of measures, each of which can be worked out by hand on the
mini border (fixed latencies): leads, lead gaps, handoffs, violations, defaults, objectives."""

from __future__ import annotations

from conftest import cycles_left_by, world

from sim import __version__
from sim.batch import BASE, Arm, run_seeds
from sim.loader import scenario_hash


def run_one(text: str, name: str, variant: str | None, seed: int,
            choices: dict[str, str] | None = None) -> dict:
    """The row of one seed, as a batch's worker makes it."""
    return run_seeds(text, name, Arm(variant or BASE, variant), (seed,), choices)[0]


# c1 is detected by tf at 5m over the far bank and bp takes the lead 2 minutes later;
# nobody with jurisdiction leads it there until it enters the strip at 20m (a 15-minute
# gap). In the strip bp offers it to the partner (asked 22m, declined 38m: no
# jurisdiction there); in town, to the sheriff (asked 42m, accepted 50m). Nobody answers
# D-1, so its default acts across the line at 9m: no authority, no jurisdiction.
HAND_WORKED = world("""
    orders:
      - {id: bp-leads, agency: bp, when: {event: detected}, do: [assume_lead]}
      - {id: strip-to-partner, agency: lead, when: {event: zone_entered, zone: strip}, do: [{handoff: {to: partner}}]}
      - {id: town-to-sheriff, agency: lead, when: {event: zone_entered, zone: town}, do: [{handoff: {to: sheriff}}]}
    decisions:
      - id: D-1
        at: 5m
        cell: bp
        prompt: A contact over the far bank.
        options:
          - {id: disrupt, text: Disrupt it now., do: [{act: disrupt, incident: c1}]}
          - {id: watch, text: Watch.}
        default: disrupt
        deadline: 2m
    objectives:
      - id: O-1
        text: A lead within 5 minutes of detection.
        within: {from: {event: detected}, to: {event: lead_assigned}, limit: 5m}
      - id: O-2
        text: No violations.
        never: {event: violation}
    """)


def test_row_of_a_run_worked_out_by_hand():
    """Every measure of the story's run is the number worked out by hand above."""
    row = run_one(HAND_WORKED, "story.yaml", None, 1)
    assert row == {
        "variant": "base", "seed": 1, "scenario_hash": scenario_hash(HAND_WORKED),
        "tabletop_version": __version__, "decide": "", "set": "",
        "met_O-1": 1, "met_O-2": 0,
        "incidents": 1, "undetected": 0, "never_led": 0, "first_lead_min": 2.0,
        "lead_gaps": 1, "lead_gap_min": 15.0,
        "violations_authority": 1, "violations_jurisdiction": 1, "violations_approval": 0,
        "violations_deconfliction": 0, "violations_sharing": 0,
        "handoffs": 2, "handoff_median_min": 12.0, "handoffs_declined": 1,
        "decisions_by_default": 1,
    }


def test_fixed_choice_replaces_the_default():
    """Choosing 'watch' at D-1 removes the violations and the decision taken by default."""
    row = run_one(HAND_WORKED, "story.yaml", None, 1, {"D-1": "watch"})
    assert row["decide"] == "D-1=watch"
    assert (row["violations_authority"], row["violations_jurisdiction"],
            row["decisions_by_default"], row["met_O-2"]) == (0, 0, 0, 1)


def test_measures_with_nothing_to_measure_are_empty():
    """Without a lead or a handoff, the medians are empty and a gap runs to the end."""
    row = run_one(world(), "story.yaml", None, 3)
    assert row["first_lead_min"] is None and row["handoff_median_min"] is None
    assert row["never_led"] == 1 and row["handoffs"] == 0
    assert row["lead_gap_min"] == 60.0 - 5.0  # detected at 5m, never led, gone at 60m


def test_measuring_a_run_makes_no_reference_cycles():
    """`measures` pauses Python's cyclic collector for speed (`sim.collector`), which is only
    sound while measuring leaves no cycles behind."""
    assert cycles_left_by(setup=f"""
        from sim.batch_rows import measures
        from sim.engine import Exercise
        from sim.headless import play_out
        from sim.loader import load_scenario_text
        scenario = load_scenario_text({HAND_WORKED!r}, "story.yaml")
        events = play_out(Exercise(scenario, 1))
        """, work="""assert measures(scenario, events)["lead_gaps"] == 1""") == 0
