"""The library's sharing lessons, on each of five seeds: the task force's track may go to the
border agency's department but not to the sheriff ("The sensor goes north"), and the partner
gets an analytic product, not the raw feed ("Mirror patrol, dead line")."""

from __future__ import annotations

import pytest
from conftest import ROOT, having

from sim.engine import Exercise
from sim.evaluate import evaluate
from sim.headless import play_out, policy_for
from sim.loader import load_scenario

SEEDS = range(1, 6)


def played(name: str, seed: int, **choices: str):
    """The events of a run with some decisions taken (`D_2="..."` for D-2), and which
    objectives it met."""
    scenario = load_scenario(str(ROOT / "scenarios" / f"{name}.yaml"))
    events = play_out(Exercise(scenario, seed), policy_for(
        scenario, seed, {d.replace("_", "-"): o for d, o in choices.items()}))
    return events, {r.objective.id: r.met for r in evaluate(scenario, events)}


@pytest.mark.parametrize("seed", SEEDS)
def test_the_task_force_may_pass_its_track_to_the_station(seed):
    events, met = played("sensor-goes-north", seed, D_2="hand-over-now")
    assert [(e.from_, e.to) for e in having(events, "data_shared")] == [
        ("task-force", "border-agency")]
    assert not having(events, "violation", rule="sharing")
    assert met["O-5"]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_task_force_sending_its_track_to_the_sheriff_breaks_the_sharing_rule(seed):
    events, met = played("sensor-goes-north", seed, D_2="feed-the-sheriff")
    [violation] = having(events, "violation", rule="sharing")
    [arrived] = having(events, "data_shared", to="county-sheriff")
    assert violation.t == arrived.t and violation.agency == "task-force"
    assert not met["O-5"]


@pytest.mark.parametrize("seed", SEEDS)
def test_telling_the_partner_through_the_liaison_shares_nothing_raw(seed):
    events, met = played("mirror-patrol", seed, D_1="share-and-wait")
    assert not having(events, "data_shared")
    assert met["O-6"]


@pytest.mark.parametrize("seed", SEEDS)
def test_opening_the_raw_feed_to_the_partner_informs_it_but_breaks_the_sharing_rule(seed):
    """The partner knows in time (O-4) and nobody acted out of bounds (O-3), but the raw
    feed went where it may not (O-6)."""
    events, met = played("mirror-patrol", seed, D_1="open-the-feed")
    [violation] = having(events, "violation", rule="sharing")
    assert violation.detail == ("raw-feed reached partner-guard, but may go only to "
                                "border-agency, sector-hq, task-force")
    assert met["O-4"] and met["O-3"] and not met["O-6"]
