"""The batch's statistics: means with Student-t 95% intervals, differences paired by seed,
and the tables an analyst reads."""

from __future__ import annotations

import math
import random

import pytest

from sim.batch_summary import estimate, paired_differences, render, summarize, t_975


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
    assert t_975(2) == 12.706 and t_975(29) == 2.048 and t_975(30) == t_975(1000) == 1.96
    thirty = estimate([float(n % 2) for n in range(30)])
    assert thirty.high - thirty.mean == pytest.approx(1.96 * math.sqrt(30 / 4 / 29) / math.sqrt(30))


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
