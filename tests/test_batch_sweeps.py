"""`tabletop batch --sweep PATH=VALUES`: one field given several values from the command line,
each a variant of its own — run on common random numbers like the file's variants, the
first value the reference, and a value that does not fit refused at its column in the
option, before any run."""

from __future__ import annotations

import csv

import pytest
from cli_support import refusal, tabletop
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.batch import batch
from sim.batch_summary import render
from sim.errors import ScenarioError
from sim.sweeps import parse_sets, parse_sweeps

STORY = ROOT / "tests" / "scenarios" / "batch-story.yaml"
WATCHER = ROOT / "scenarios" / "watcher-across-the-river.yaml"
LIAISON = "channels.liaison.latency"


def story_text() -> str:
    return STORY.read_text(encoding="utf-8")


def labels(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(r["variant"] for r in rows))


def measures(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "variant"}


@pytest.mark.parametrize(("option", "values"), [
    (f"{LIAISON}=[40m, 3m]", ["40m", "3m"]),
    (f"{LIAISON}=40m, 3m", ["40m", "3m"]),  # the brackets may be left out
    (f"{LIAISON}={{median: 5m, p90: 10m}}, null",
     [{"median": "5m", "p90": "10m"}, None]),
    ("zones.strip.jurisdiction=[[bp, tf], [bp]]", [["bp", "tf"], ["bp"]]),
    ("agencies.bp.capacity=1", [1]),
])
def test_a_sweep_reads_its_values_as_yaml(option, values):
    [sweep] = parse_sweeps([option])
    assert sweep.path == option.partition("=")[0]
    assert [s.value for s in sweep.settings] == values


def test_each_value_remembers_its_column_in_the_option():
    first, second = parse_sweeps(["agencies.bp.capacity=[1, 2]", f"{LIAISON}=5m, 40m"])
    assert [s.marks[()][1] for s in first.settings] == [(1, 23, "--sweep"), (1, 26, "--sweep")]
    assert [s.marks[()][1] for s in second.settings] == [(2, 26, "--sweep"), (2, 30, "--sweep")]


@pytest.mark.parametrize(("option", "column", "said"), [
    ("channels.liaison.latency", 1, "is not PATH=VALUES"),
    ("=[1, 2]", 1, "is not PATH=VALUES"),
    ("agencies.bp.capacity=", 22, "no values after 'agencies.bp.capacity='"),
    ("agencies.bp.capacity=[]", 22, "the list of values is empty"),
    ("agencies.bp.capacity=[1, 2, 1]", 29, "the value 1 is given twice"),
    ("agencies.bp.capacity=[1, {2]", 28, "YAML syntax"),
])
def test_a_malformed_sweep_is_refused_at_its_column(option, column, said):
    """Line 2: the second --sweep; the column counts from the start of that option."""
    with pytest.raises(ScenarioError) as refused:
        parse_sweeps(["agencies.bp.capacity=[1, 2]", option])
    [problem] = refused.value.diagnostics
    assert (problem.file, problem.line, problem.column) == ("--sweep", 2, column)
    assert said in problem.message
    assert option in problem.excerpt


def test_sweep_values_run_on_common_random_numbers_the_first_value_first():
    """A faster liaison changes the handoffs to the partner, not the contacts that come."""
    rows = batch(story_text(), "story.yaml", runs=4, sweeps=parse_sweeps([f"{LIAISON}=40m, 3m"]))
    assert [(r["variant"], r["seed"]) for r in rows] == [
        (f"{LIAISON}={v}", s) for v in ("40m", "3m") for s in range(1, 5)]
    slow, fast = rows[:4], rows[4:]
    assert [r["incidents"] for r in slow] == [r["incidents"] for r in fast]
    assert [r["handoff_median_min"] for r in slow] != [r["handoff_median_min"] for r in fast]


def test_a_sweep_value_runs_as_the_variant_that_sets_it_in_the_file():
    """`desk` sets the liaison's latency to 3m in the file; the sweep's 3m gives its rows."""
    desk = batch(story_text(), "story.yaml", ["desk"], runs=5)
    swept = batch(story_text(), "story.yaml", runs=5, sweeps=parse_sweeps([f"{LIAISON}=[3m]"]))
    assert [measures(r) for r in swept] == [measures(r) for r in desk]


def test_two_sweeps_run_every_combination_on_each_variant_asked_for():
    sweeps = parse_sweeps([f"{LIAISON}=40m, 3m", "agencies.bp.capacity=1, 2"])
    rows = batch(story_text(), "story.yaml", ["base", "delegated"], runs=1, sweeps=sweeps)
    assert labels(rows) == [
        f"{LIAISON}=40m; agencies.bp.capacity=1", f"{LIAISON}=40m; agencies.bp.capacity=2",
        f"{LIAISON}=3m; agencies.bp.capacity=1", f"{LIAISON}=3m; agencies.bp.capacity=2",
        f"delegated; {LIAISON}=40m; agencies.bp.capacity=1",
        f"delegated; {LIAISON}=40m; agencies.bp.capacity=2",
        f"delegated; {LIAISON}=3m; agencies.bp.capacity=1",
        f"delegated; {LIAISON}=3m; agencies.bp.capacity=2"]


def test_a_sweep_is_put_into_a_variant_after_the_variant_changes():
    """`desk` sets the liaison to 3m; swept over desk, the sweep's value is the one that runs."""
    sweep = parse_sweeps([f"{LIAISON}=[{{median: 20m, p90: 45m}}]"])
    over_desk = batch(story_text(), "story.yaml", ["desk"], runs=4, sweeps=sweep)
    as_written = batch(story_text(), "story.yaml", ["base"], runs=4)
    assert [measures(r) for r in over_desk] == [measures(r) for r in as_written]


def test_a_faster_liaison_lets_the_partner_be_told_in_time():
    """The reference scenario's lesson, swept: told at once (D-1 lead-and-tell), the partner
    hears before the crossing (O-2) in every run over a 5-minute liaison, and misses it in
    some runs over a 40-minute one — a paired difference whose interval excludes 0."""
    text = WATCHER.read_text(encoding="utf-8")
    rows = batch(text, str(WATCHER), runs=40, choices={"D-1": "lead-and-tell"},
                 sweeps=parse_sweeps(["channels.bilateral liaison.latency=40m, 5m"]))
    slow = [r["met_O-2"] for r in rows[:40]]
    fast = [r["met_O-2"] for r in rows[40:]]
    assert all(fast) and not all(slow)
    assert all(f >= s for s, f in zip(slow, fast, strict=True))
    difference = render(rows).split("Difference from 40m")[1]
    assert next(line for line in difference.splitlines()
                if line.startswith("met_O-2")).endswith("*")


def test_long_names_are_shortened_in_the_summary_with_a_legend():
    """One sweep's arms are headed by their values, the path said once; arms of a variant
    and a sweep, or of two sweeps, are numbered, each named in the legend; short names
    stand as they are."""
    rows = batch(story_text(), "story.yaml", runs=2, sweeps=parse_sweeps([f"{LIAISON}=40m, 3m"]))
    text = render(rows)
    assert text.startswith(f"{LIAISON}: each column is one value (40m: the reference)\n"
                           "Summary")
    assert "3m − 40m" in text
    both = render(batch(story_text(), "story.yaml", ["base", "desk"], runs=2,
                        sweeps=parse_sweeps([f"{LIAISON}=40m, 3m"])))
    assert both.startswith(f"[1] {LIAISON}=40m (the reference)\n[2] {LIAISON}=3m\n"
                           f"[3] desk; {LIAISON}=40m\n[4] desk; {LIAISON}=3m\nSummary")
    assert "[4] − [1]" in both
    short = render(batch(story_text(), "story.yaml", ["base", "desk"], runs=2))
    assert "[1]" not in short and "desk − base" in short


@pytest.mark.parametrize(("flag", "option", "at", "said"), [
    ("--sweep", f"{LIAISON}=[40m, 4x]", "4x", f"with {LIAISON}=4x: '4x' is not a duration"),
    ("--sweep", "channels.liason.latency=[40m]", "channels",
     "unknown item 'liason' — did you mean 'liaison'?"),
    ("--sweep", f"{LIAISON}=[{{median: 5m, p90: 2m}}]", "{", "p90 is shorter than the median"),
    ("--sweep", "agencies.bp.capacity=[2, 0]", "0", "'0' is too small — make it at least 1"),
    ("--set", f"{LIAISON}=4x", "4x", f"with {LIAISON}=4x: '4x' is not a duration"),
    # fits the scenario as written, not the variant that removes the approval
    ("--set", "authorities.mitigate.approval.latency=5m", "authorities",
     "in variant 'delegated' with authorities.mitigate.approval.latency=5m: 'latency' is "
     "inside a single value"),
])
def test_a_value_that_does_not_fit_the_scenario_is_refused_at_its_column(tmp_path, flag, option,
                                                                         at, said):
    """Exit 2 before any run, at the column in the option where the value (or the path that
    leads nowhere) begins, and the option is shown."""
    results = tmp_path / "results.csv"
    message = refusal(tabletop("batch", STORY, "--runs", "2", "--jobs", "1", "-o", results,
                               flag, option))
    assert message.startswith(f"{flag}:1:{option.index(at) + 1}: "), message
    assert said in message
    assert f"> 1 | {option}" in message
    assert not results.exists()


def test_sweeps_go_to_the_results_file_and_resume_like_variants(tmp_path):
    """The CSV names each run by its value; a batch cut short is finished by --resume to the
    bytes of the whole one."""
    whole, part = tmp_path / "whole.csv", tmp_path / "part.csv"
    args = ("batch", STORY, "--runs", "3", "--jobs", "1", "--sweep", f"{LIAISON}=40m, 3m")
    made = tabletop(*args, "-o", whole)
    assert made.returncode == 0, made.stderr
    with whole.open(newline="", encoding="utf-8") as lines:
        assert [r["variant"] for r in csv.DictReader(lines)] == [
            f"{LIAISON}=40m"] * 3 + [f"{LIAISON}=3m"] * 3
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    part.write_text("".join(lines[:1 + 4]), encoding="utf-8")
    resumed = tabletop(*args, "-o", part, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "2 runs (4 made before)" in resumed.stderr
    assert part.read_bytes() == whole.read_bytes()
    assert resumed.stdout == made.stdout


OPTION_TEXT = st.text(alphabet=st.sampled_from(list("agencies.bp.capacitychannelsliaison "
                                                    "latency=[]{},:0123456789mh-#'\"\n\t")),
                      max_size=60)


@settings(max_examples=300, deadline=None)
@given(options=st.lists(OPTION_TEXT, min_size=1, max_size=3), many=st.booleans())
def test_any_option_text_is_read_or_refused_at_a_place_inside_it(options, many):
    """Whatever is typed after --sweep or --set, it becomes settings or a `ScenarioError`
    whose line is one of the options and whose column lies within it (or just after)."""
    try:
        (parse_sweeps if many else parse_sets)(options)
    except ScenarioError as error:
        for problem in error.diagnostics:
            assert problem.file == ("--sweep" if many else "--set")
            assert 1 <= problem.line <= len("\n".join(options).splitlines()) + 1
            assert 1 <= problem.column <= len(max(options, key=len)) + 2
