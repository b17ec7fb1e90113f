"""The batch's statistics: means with Student-t 95% intervals, shares of runs with score
intervals, differences paired by seed, and the tables an analyst reads."""

from __future__ import annotations

import math
import random

import pytest

from sim.batch_summary import (
    estimate,
    paired_differences,
    paired_share_difference,
    render,
    share,
    summarize,
    t_975,
)


def rows_of(variant: str, values: list[float | None], column: str = "lead_gap_min") -> list[dict]:
    """Rows for seeds 1, 2, … of one variant, with one measure."""
    return [{"variant": variant, "seed": seed, "scenario_hash": "h", "tabletop_version": "0",
             "decide": "",
             column: value} for seed, value in enumerate(values, start=1)]


def test_interval_uses_student_t_below_30_runs_and_the_normal_from_30():
    """Four runs: t with 3 degrees of freedom (3.182); thirty runs: 1.96."""
    four = estimate([1.0, 2.0, 3.0, 4.0])
    half = 3.182 * math.sqrt(5 / 3) / 2
    assert (four.mean, four.n) == (2.5, 4)
    assert four.low == pytest.approx(2.5 - half) and four.high == pytest.approx(2.5 + half)
    assert t_975(2) == 12.706 and t_975(29) == 2.048
    assert t_975(30) == t_975(1000) == pytest.approx(1.959964, abs=1e-6)
    thirty = estimate([float(n % 2) for n in range(30)])
    assert thirty.high - thirty.mean == pytest.approx(
        1.959964 * math.sqrt(30 / 4 / 29) / math.sqrt(30))


@pytest.mark.parametrize(("met", "low", "high"), [
    ([0, 0, 0, 0], 0.0, 0.4899),  # none of four runs: not proof of never
    ([1, 1, 1, 1], 0.5101, 1.0),
    ([1, 0] * 5, 0.2366, 0.7634),
])
def test_a_share_of_runs_gets_wilsons_interval_inside_zero_and_one(met, low, high):
    """An objective met in k of n runs: Wilson's score interval, which never leaves [0, 1]
    and has width even when every run agrees (values as published for Wilson's method)."""
    shared = share(met)
    assert shared.mean == sum(met) / len(met) and shared.n == len(met)
    assert (shared.low, shared.high) == (pytest.approx(low, abs=1e-4),
                                         pytest.approx(high, abs=1e-4))


def test_a_share_lies_inside_its_interval_exactly_whatever_the_rounding():
    """Error bars are drawn from mean − low and high − mean, which may not be below zero:
    20 runs met by none (or all 13 of 13) once rounded the interval past the share."""
    for n in range(1, 60):
        for k in range(n + 1):
            shared = share([1] * k + [0] * (n - k))
            assert 0.0 <= shared.low <= shared.mean <= shared.high <= 1.0, (k, n)


def test_a_paired_difference_of_shares_gets_newcombes_interval():
    """Fagerland, Lydersen and Laake's worked example of the square-and-add interval (Cavo
    et al. 2012: 59 pairs both met, 6 only the variant, 16 only the reference, 80 neither):
    −0.0621, 95% interval −0.1186 to −0.0046."""
    pairs = [(1, 1)] * 59 + [(0, 1)] * 6 + [(1, 0)] * 16 + [(0, 0)] * 80
    difference = paired_share_difference(pairs)
    assert (round(difference.mean, 4), round(difference.low, 4), round(difference.high, 4)) == (
        -0.0621, -0.1186, -0.0046)
    agreeing = paired_share_difference([(0, 0)] * 4)  # four seeds, met by neither
    assert agreeing.mean == 0 and agreeing.low == pytest.approx(-0.4899, abs=1e-4)
    assert agreeing.high == pytest.approx(0.4899, abs=1e-4) and not agreeing.excludes_zero


def test_objective_columns_are_shares_and_other_measures_means():
    """In the summary and the paired differences, `met_` columns get the score intervals,
    every other measure Student's t."""
    rows = (rows_of("base", [0, 0, 0, 0], "met_O-1") + rows_of("desk", [1, 1, 1, 1], "met_O-1"))
    summary, differences = summarize(rows), paired_differences(rows)
    assert summary["base"]["met_O-1"].high == pytest.approx(0.4899, abs=1e-4)
    assert differences["desk"]["met_O-1"].mean == 1.0
    assert 0.0 < differences["desk"]["met_O-1"].low < 1.0 and differences["desk"][
        "met_O-1"].high == pytest.approx(1.0)


def test_one_value_has_no_interval_and_none_has_no_estimate():
    """A single run gives a mean without an interval; no runs give nothing."""
    assert estimate([7.0]).low is None and estimate([7.0]).mean == 7.0
    assert estimate([]) is None


def test_differences_are_paired_by_seed_whatever_the_row_order():
    """desk − base is taken seed by seed: a constant gain of 10 has no spread at all."""
    base = rows_of("base", [100.0, 140.0, 90.0, 200.0])
    desk = rows_of("desk", [90.0, 130.0, 80.0, 190.0])
    rows = base + desk
    random.Random(4).shuffle(rows[1:])  # base stays first: it is the reference
    [difference] = paired_differences(rows).values()
    assert difference["lead_gap_min"].mean == -10.0
    assert difference["lead_gap_min"].low == difference["lead_gap_min"].high == -10.0
    side_by_side = summarize(rows)
    assert side_by_side["desk"]["lead_gap_min"].low < side_by_side["base"]["lead_gap_min"].mean


def test_a_run_without_a_value_leaves_its_pair_out():
    """An empty median in one run drops that seed from the mean and from the pairs."""
    rows = rows_of("base", [4.0, None, 6.0], "handoff_median_min") + rows_of(
        "desk", [1.0, 2.0, 2.0], "handoff_median_min")
    assert summarize(rows)["base"]["handoff_median_min"].n == 2
    pair = paired_differences(rows)["desk"]["handoff_median_min"]
    assert (pair.n, pair.mean) == (2, -3.5)


def test_tables_name_every_variant_and_star_the_clear_differences():
    """The summary has a column per variant; the differences mark those that exclude 0."""
    rows = (rows_of("base", [100.0, 140.0, 90.0]) + rows_of("desk", [90.0, 130.0, 80.0])
            + rows_of("delegated", [101.0, 139.0, 90.0]))
    text = render(rows)
    summary, differences = text.split("\n\n")
    assert summary.splitlines()[0] == "Summary (3 runs per variant): mean [95% interval]"
    assert summary.splitlines()[1].split() == ["measure", "base", "desk", "delegated"]
    assert differences.splitlines()[0].startswith("Difference from base, paired by seed")
    assert differences.splitlines()[1].split() == ["measure", "desk", "−", "base",
                                                   "delegated", "−", "base"]
    line = differences.splitlines()[2]  # desk gains 10 on every seed; delegated wobbles
    assert line.split()[:4] == ["lead_gap_min", "-10.0", "[-10.0,", "-10.0]*"]
    assert line.count("*") == 1
