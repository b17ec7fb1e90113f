""""Quiet on the shared band" teaches what its objectives say, on each of five seeds: an
emission at the line reaches the partner's side and the airport's approach, whose owners
must all deconflict it, and the air ambulance on the approach holds it back."""

from __future__ import annotations

import pytest
from conftest import ROOT, having

from sim.engine import Exercise
from sim.evaluate import evaluate
from sim.headless import play_out, policy_for
from sim.loader import load_scenario

PATH = str(ROOT / "scenarios" / "quiet-on-the-shared-band.yaml")
SEEDS = range(1, 6)


def played(seed: int, variant: str | None = None, **choices: str):
    """The events of a run with some decisions taken (`D_1="..."` for D-1), and which
    objectives it met."""
    scenario = load_scenario(PATH, variant)
    events = play_out(Exercise(scenario, seed), policy_for(
        scenario, seed, {d.replace("_", "-"): o for d, o in choices.items()}))
    return events, {r.objective.id: r.met for r in evaluate(scenario, events)}


@pytest.mark.parametrize("seed", SEEDS)
def test_disrupting_at_once_reaches_every_owner_of_the_band(seed):
    """Disrupting at once breaks deconfliction with the spectrum office in the strip, and,
    spilling over, with the partner across the river and the airport's authority."""
    events, met = played(seed, D_1="disrupt-now")
    assert [e.detail for e in having(events, "violation", rule="deconfliction")] == [
        "spectrum in border-strip is not deconflicted with spectrum-office",
        "spectrum in partner-side is not deconflicted with partner-guard "
        "(spilling over from border-strip)",
        "spectrum in airport-vicinity is not deconflicted with aviation-authority "
        "(spilling over from border-strip)"]
    assert not met["O-1"] and not met["O-2"]


@pytest.mark.parametrize("seed", SEEDS)
def test_deconflicting_first_waits_for_the_air_ambulance_and_breaks_nothing(seed):
    """Every owner is asked and the partner told; the aviation authority, whose band the
    emission reaches, grants only once the air ambulance is down (T+37m), and the
    disruption goes out then, just before the contact leaves: no violation."""
    events, met = played(seed, D_1="deconflict-then-disrupt")
    granted = {e.with_: e.t for e in having(events, "coordination_granted")}
    [ended] = having(events, "traffic_ended", zone="airport-vicinity")
    [acted] = having(events, "action_taken", action="disrupt")
    assert set(granted) == {"spectrum-office", "partner-guard", "aviation-authority"}
    assert granted["aviation-authority"] == ended.t == 37.0
    assert max(granted.values()) <= acted.t < 40.0
    assert not having(events, "violation")
    assert met["O-1"] and met["O-2"]


def test_a_grant_given_before_the_air_ambulance_does_not_cover_acting_while_it_flies():
    """Seed 7: the aviation authority grants at T+11m, before the air ambulance is
    announced; the disruption then goes out while it is on the approach."""
    events, met = played(7, D_1="deconflict-then-disrupt")
    [granted] = having(events, "coordination_granted", with_="aviation-authority")
    [acted] = having(events, "action_taken", action="disrupt")
    assert granted.t < 12.0 < acted.t < 37.0
    assert [e.detail for e in having(events, "violation")] == [
        "traffic is active in airport-vicinity (spilling over from border-strip)"]
    assert not met["O-1"]


@pytest.mark.parametrize("seed", SEEDS)
def test_emitting_nothing_and_telling_the_airport_meets_every_objective(seed):
    events, met = played(seed, D_1="emit-nothing", D_2="tell-the-airport")
    assert not having(events, "violation")
    assert all(met.values()), met


@pytest.mark.parametrize("seed", SEEDS)
def test_before_the_act_the_sector_holds_no_authority_to_disrupt_over_the_strip(seed):
    """Era A: the same disruption also lacks authority, which O-5 records."""
    events, met = played(seed, "era-a", D_1="disrupt-now")
    assert [e.rule for e in having(events, "violation")][:1] == ["authority"]
    assert not met["O-5"]
    assert played(seed, D_1="disrupt-now")[1]["O-5"]
