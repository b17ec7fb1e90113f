"""`tabletop batch --set PATH=VALUE`: one value put into every run of every variant (and of
every sweep), named in the rows' `set` column rather than in each variant's name, and kept
as a term of the batch: a results file made with other values is not resumed. A value (set,
swept, or in a variant) may go into a section the file lacks, such as `policy`."""

from __future__ import annotations

import csv

import pytest
from cli_support import refusal, tabletop
from conftest import ROOT

from sim.batch import BatchError, batch
from sim.batch_summary import render
from sim.errors import ScenarioError
from sim.loader import load_scenario_text
from sim.sweeps import parse_sets, parse_sweeps

STORY = ROOT / "tests" / "scenarios" / "batch-story.yaml"
LIAISON = "channels.liaison.latency"


def story_text() -> str:
    return STORY.read_text(encoding="utf-8")


def measures(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("variant", "set")}


def test_a_set_value_runs_as_the_variant_that_sets_it_and_is_named_in_its_own_column():
    """`desk` sets the liaison's latency to 3m in the file; `--set` 3m gives its measures,
    under the variant's own name (`base`), with the value in the `set` column."""
    desk = batch(story_text(), "story.yaml", ["desk"], runs=5)
    set_ = batch(story_text(), "story.yaml", ["base"], runs=5,
                 fixed=parse_sets([f"{LIAISON}=3m"]))
    assert [measures(r) for r in set_] == [measures(r) for r in desk]
    assert {r["variant"] for r in set_} == {"base"}
    assert {r["set"] for r in set_} == {f"{LIAISON}=3m"}
    assert {r["set"] for r in desk} == {""}


def test_a_set_value_goes_into_every_variant_and_every_swept_arm():
    """Each arm runs as if the value were swept with it, one value long; the arms are still
    named by their variant and sweep alone."""
    liaison = f"{LIAISON}=40m, 3m"
    rows = batch(story_text(), "story.yaml", ["base", "delegated"], runs=3,
                 fixed=parse_sets(["agencies.bp.capacity=1"]), sweeps=parse_sweeps([liaison]))
    assert list(dict.fromkeys(r["variant"] for r in rows)) == [
        f"{LIAISON}=40m", f"{LIAISON}=3m", f"delegated; {LIAISON}=40m",
        f"delegated; {LIAISON}=3m"]
    assert {r["set"] for r in rows} == {"agencies.bp.capacity=1"}
    swept = batch(story_text(), "story.yaml", ["base", "delegated"], runs=3,
                  sweeps=parse_sweeps([liaison, "agencies.bp.capacity=[1]"]))
    assert [measures(r) for r in rows] == [measures(r) for r in swept]


def test_a_path_both_swept_and_set_is_refused():
    with pytest.raises(BatchError, match=f"'{LIAISON}' is both swept and set"):
        batch(story_text(), "story.yaml", runs=1, fixed=parse_sets([f"{LIAISON}=5m"]),
              sweeps=parse_sweeps([f"{LIAISON}=40m, 3m"]))


def test_the_summary_says_what_every_run_shared():
    rows = batch(story_text(), "story.yaml", ["base", "desk"], runs=2,
                 choices={"D-1": "watch"}, fixed=parse_sets(["agencies.bp.capacity=1"]))
    assert render(rows).startswith("Chosen in every run: D-1=watch\n"
                                   "Set in every run: agencies.bp.capacity=1\nSummary")
    assert render(batch(story_text(), "story.yaml", runs=1)).startswith("Summary")


def test_a_results_file_is_resumed_only_with_the_same_set_values(tmp_path):
    results = tmp_path / "results.csv"
    args = ("batch", STORY, "--jobs", "1", "-o", results)
    made = tabletop(*args, "--runs", "2", "--set", f"{LIAISON}=5m")
    assert made.returncode == 0, made.stderr
    with results.open(newline="", encoding="utf-8") as lines:
        assert {r["set"] for r in csv.DictReader(lines)} == {f"{LIAISON}=5m"}
    kept = results.read_bytes()
    message = refusal(tabletop(*args, "--runs", "3", "--resume", "--set", f"{LIAISON}=6m"))
    assert f"this run has set '{LIAISON}=5m', this batch '{LIAISON}=6m'" in message
    assert "resume with the same --set values" in message
    assert results.read_bytes() == kept
    resumed = tabletop(*args, "--runs", "3", "--resume", "--set", f"{LIAISON}=5m")
    assert resumed.returncode == 0, resumed.stderr
    assert "3 runs (6 made before)" in resumed.stderr


def story_without_policy() -> str:
    text = story_text()
    policy = "policy:\n  D-1: {watch: 2, disrupt: 1}\n"
    assert policy in text
    return text.replace(policy, "")


def test_a_section_the_file_lacks_is_made_by_the_value_put_into_it():
    """`policy.D-1` in a file without `policy`: the analyst's "what if the station always
    disrupted?" needs no variant written first."""
    plain = load_scenario_text(story_without_policy(), "story.yaml")
    assert plain.policy == {}
    given = load_scenario_text(story_without_policy(), "story.yaml",
                               settings=parse_sets(["policy.D-1=disrupt"]))
    assert given.policy == {"D-1": "disrupt"}
    rows = batch(story_without_policy(), "story.yaml", runs=10,
                 sweeps=parse_sweeps(["policy.D-1=watch, disrupt"]))
    watch, disrupt = rows[:10], rows[10:]
    assert [r["variant"] for r in (watch[0], disrupt[0])] == ["policy.D-1=watch",
                                                              "policy.D-1=disrupt"]
    def broken(runs: list[dict]) -> int:
        return sum(v for r in runs for k, v in r.items() if k.startswith("violations_"))

    assert broken(watch) == 0
    assert broken(disrupt) > 0


@pytest.mark.parametrize(("option", "column", "said"), [
    ("polcy.D-1=disrupt", 1, "unknown key 'polcy' — did you mean 'policy'?"),
    ("policy.D-9=disrupt", 12, "unknown decision 'D-9' — did you mean 'D-2'?"),
    ("policy.D-1=nope", 12, "unknown option 'nope'"),
])
def test_a_section_made_by_a_value_is_checked_like_one_written(option, column, said):
    with pytest.raises(ScenarioError) as refused:
        load_scenario_text(story_without_policy(), "story.yaml", settings=parse_sets([option]))
    [problem] = refused.value.diagnostics
    assert (problem.file, problem.line, problem.column) == ("--set", 1, column)
    assert said in problem.message


def test_the_chart_says_what_every_run_shared_and_what_its_columns_are(tmp_path):
    """A chart travels without the summary: its title carries the set value, and a sweep's
    columns, headed by their values, are said to be the path's (matplotlib's SVG keeps each
    text as a comment beside its glyphs)."""
    chart = tmp_path / "chart.svg"
    made = tabletop("batch", STORY, "--runs", "3", "--jobs", "1", "--plot", chart,
                    "--set", "agencies.bp.capacity=1", "--sweep", f"{LIAISON}=40m, 3m")
    assert made.returncode == 0, made.stderr
    drawn = chart.read_text(encoding="utf-8")
    assert "<!-- Set in every run: agencies.bp.capacity=1 -->" in drawn
    assert f"<!-- {LIAISON}: each column is one value (40m: the reference) -->" in drawn
