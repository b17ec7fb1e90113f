"""`tabletop batch`: seeds 1..N of every variant (run i of every variant uses seed i), the same
rows on one process or many, a CSV and a chart an analyst can open, and a clear refusal —
at the line — of a variant or a policy that is wrong."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from cli_support import read_only, refusal, tabletop
from conftest import ROOT
from matplotlib.image import imread

from sim.batch import BatchError, batch
from sim.loader import load_scenario

STORY = ROOT / "tests" / "scenarios" / "batch-story.yaml"
YEAR = ROOT / "scenarios" / "year-along-the-border.yaml"
VARIANTS = ["base", "delegated", "desk"]


def story_text() -> str:
    return STORY.read_text(encoding="utf-8")


def written(tmp_path, text: str):
    """The story with a change, in a file of its own."""
    path = tmp_path / "story.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_come_per_variant_and_seed_on_common_random_numbers():
    """Base, then each variant, seeds 1..5 each; seed i brings the same contacts to all."""
    rows = batch(story_text(), "batch-story.yaml", runs=5)
    assert [(r["variant"], r["seed"]) for r in rows] == [
        (v, s) for v in VARIANTS for s in range(1, 6)]
    arrivals = {v: [r["incidents"] for r in rows if r["variant"] == v] for v in VARIANTS}
    assert arrivals["base"] == arrivals["delegated"] == arrivals["desk"]
    assert len(set(arrivals["base"])) > 1  # and seeds differ from one another
    assert [r["handoff_median_min"] for r in rows if r["variant"] == "desk"] != [
        r["handoff_median_min"] for r in rows if r["variant"] == "base"]


def test_variants_asked_for_run_in_that_order_and_match_the_full_batch():
    """`desk, base` runs desk first (the reference), with the rows desk has anyway."""
    everything = batch(story_text(), "batch-story.yaml", runs=3)
    asked = batch(story_text(), "batch-story.yaml", ["desk", "base"], runs=3)
    assert asked == [r for v in ("desk", "base") for r in everything if r["variant"] == v]


def test_progress_hears_of_every_run():
    """The progress callback is told of each finished run, 2 variants × 7 seeds in all."""
    told: list[int] = []
    batch(story_text(), "batch-story.yaml", ["base", "desk"], runs=7, progress=told.append)
    assert sum(told) == 14 and len(told) > 1


def test_same_rows_on_one_process_and_on_two(tmp_path):
    """`--jobs 1` (in this process) and `--jobs 2` (a process pool) write the same CSV."""
    outputs = []
    for jobs in ("1", "2"):
        path = tmp_path / f"jobs-{jobs}.csv"
        result = tabletop("batch", STORY, "--runs", "12", "--jobs", jobs, "-o", path)
        assert result.returncode == 0, result.stderr
        outputs.append((path.read_text(encoding="utf-8"), result.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][0].splitlines()) == 1 + 3 * 12


def test_csv_and_chart_are_written_and_readable(tmp_path):
    """One CSV line per run under a header, and a PNG chart with something drawn on it."""
    table, chart = tmp_path / "results.csv", tmp_path / "chart.png"
    result = tabletop("batch", STORY, "--runs", "6", "--jobs", "1", "--variant", "base",
                      "--variant", "desk", "-o", table, "--plot", chart)
    assert result.returncode == 0, result.stderr
    with table.open(newline="", encoding="utf-8") as lines:
        rows = list(csv.DictReader(lines))
    assert [(r["variant"], r["seed"]) for r in rows] == [
        (v, str(s)) for v in ("base", "desk") for s in range(1, 7)]
    assert list(rows[0])[:8] == ["variant", "seed", "scenario_hash", "tabletop_version",
                                 "decide", "set", "met_O-1", "met_O-2"]
    assert all(float(r["lead_gap_min"]) > 0 for r in rows)
    pixels = imread(chart)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 300 and pixels.std() > 0
    assert "Difference from base, paired by seed" in result.stdout
    assert "desk − base" in result.stdout


def test_variant_with_an_error_is_refused_at_its_own_line(tmp_path):
    """A variant's bad latency is reported at the variant's line, before any run."""
    text = story_text().replace("channels.liaison.latency: 3m", "channels.liaison.latency: soon")
    path = written(tmp_path, text)
    line = text.splitlines().index("      channels.liaison.latency: soon") + 1
    column = text.splitlines()[line - 1].index("soon") + 1
    message = refusal(tabletop("batch", path, "--runs", "2", "--jobs", "1"))
    assert message.startswith(f"{path}:{line}:{column}: ")
    assert "in variant 'desk'" in message and "'soon' is not a duration" in message


def test_policy_naming_an_unknown_option_is_refused(tmp_path):
    """`D-1: {watch: 2, disrup: 1}` names no option of D-1: refused at its line."""
    text = story_text().replace("{watch: 2, disrupt: 1}", "{watch: 2, disrup: 1}")
    path = written(tmp_path, text)
    line = text.splitlines().index("  D-1: {watch: 2, disrup: 1}") + 1
    message = refusal(tabletop("batch", path, "--runs", "2", "--jobs", "1"))
    assert message.startswith(f"{path}:{line}:")
    assert "unknown option 'disrup' — did you mean 'disrupt'?" in message


@pytest.mark.parametrize(("args", "said"), [
    (("--decide", "D-1=disrup"), "unknown option 'disrup' — did you mean 'disrupt'?"),
    (("--variant", "dsk"), "unknown variant 'dsk' — did you mean 'desk'?"),
    (("--variant", "desk", "--variant", "desk"), "a variant is named twice"),
    (("--jobs", "2", "--dask", "local"), "--jobs and --dask: choose one"),
    (("-o", "no-such-folder/results.csv"), "no-such-folder does not exist"),
    (("-o", str(STORY.parent)), "it is a folder — name a file in it"),
    (("--plot", str(STORY.parent)), "it is a folder — name a file in it"),
    (("--plot", "chart.gif"), "name the file .png, .svg or .pdf"),
])
def test_command_line_naming_nothing_is_refused(args, said):
    """A choice, a variant, an executor or an output that cannot be is refused in one line,
    exit 2, before any run."""
    message = refusal(tabletop("batch", STORY, "--runs", "2", *args))
    assert said in message and len(message.strip().splitlines()) == 1


def test_results_file_in_a_folder_one_may_not_write_is_refused_before_any_run(tmp_path):
    """An analyst's thousand runs are not thrown away at the end for want of a place to
    write them: a read-only folder is refused up front."""
    folder = tmp_path / "handed-over"
    folder.mkdir()
    with read_only(folder) as wrapper:
        result = tabletop("batch", STORY, "--runs", "2", "-o", folder / "results.csv",
                          wrapper=wrapper)
    message = refusal(result)
    assert f"you may not write in {folder}" in message
    assert "runs" not in message.splitlines()[0]  # refused before the progress bar began


def test_without_dask_the_dask_option_says_how_to_install_it():
    """Where Dask is not installed, `--dask local` is refused with the extra to install."""
    blocked = ("import sys; sys.modules['distributed'] = None; from sim.cli import main; "
               f"sys.argv = ['tabletop', 'batch', {str(STORY)!r}, '--runs', '1', "
               "'--dask', 'local']; main()")
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True,
                            timeout=120)
    assert "pip install 'tabletop[dask]'" in refusal(result)


def test_fixed_choice_naming_no_option_is_refused_by_the_batch_itself():
    """Called from Python, a batch refuses a choice that would silently fall to the default."""
    with pytest.raises(BatchError, match="decision D-1: unknown option 'nope'"):
        batch(story_text(), "batch-story.yaml", runs=1, choices={"D-1": "nope"})


def test_a_variant_named_base_is_refused():
    """'base' is the scenario as written, so a variant may not take that name."""
    text = story_text().replace("- id: desk", "- id: base")
    with pytest.raises(BatchError, match="declares a variant named 'base'"):
        batch(text, "batch-story.yaml", runs=1)


def test_year_variants_each_change_one_policy():
    """The year's variants delegate the authority, open a desk, withdraw the sensor, go
    back to the old law (era A) — and leave the zones, streams and standing orders as they
    are."""
    base = load_scenario(str(YEAR))
    delegated, desk, withdrawn, era_a = (load_scenario(str(YEAR), v) for v in
                                         ("delegated", "desk", "sensor-withdrawn", "era-a"))
    for variant in (delegated, desk, withdrawn, era_a):
        assert (variant.zones, variant.streams, variant.orders) == (
            base.zones, base.streams, base.orders)
    mitigation = {a.id: a for a in delegated.authorities}["border-mitigation"]
    assert mitigation.approval is None
    liaison = {c.name: c for c in desk.channels}["bilateral liaison"]
    assert liaison.latency.median == 5.0 < {c.name: c for c in base.channels}[
        "bilateral liaison"].latency.median
    [withdrawal] = [i for i in withdrawn.injects if i not in base.injects]
    assert withdrawal.at == 1.0 and withdrawal.effects[0].withdraw.agency == "task-force"
    assert withdrawal.effects[0].withdraw.for_ is None  # for good
    old_law = {a.id: a for a in era_a.authorities}["border-mitigation"]
    assert old_law.in_ == ("covered-facility",)
    assert "sltt-mitigation" not in {a.id: a for a in era_a.agencies}["state-police"].authorities
