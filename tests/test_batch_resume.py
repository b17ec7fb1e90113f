"""An analyst's long batch survives Ctrl-C: the runs finished are kept in the results file,
and `--resume` makes only the rest, ending with the file and summary an uninterrupted batch
gives. A file from another scenario text, other choices or another batch is refused."""

from __future__ import annotations

import importlib.util
import os
import pathlib

import pytest
from cli_support import ctrl_c, refusal, tabletop
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.batch import BatchInterrupted, batch
from sim.batch_csv import read_csv, write_csv

STORY = ROOT / "tests" / "scenarios" / "batch-story.yaml"


def test_an_interrupted_batch_hands_back_its_finished_runs_and_resumes_from_them():
    """Ctrl-C after two tasks: their rows come back in order; given as done, they are not
    run again, and the batch ends with the rows of one uninterrupted."""
    text = STORY.read_text(encoding="utf-8")
    whole = batch(text, "story.yaml", runs=16)
    finished = []

    def interrupt_after_two_tasks(runs: int) -> None:
        finished.append(runs)
        if len(finished) == 2:
            raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as stopped:
        batch(text, "story.yaml", runs=16, progress=interrupt_after_two_tasks)
    kept = stopped.value.rows
    assert stopped.value.total == len(whole) and kept == whole[:sum(finished)]
    made_again = []
    resumed = batch(text, "story.yaml", runs=16, done=kept, progress=made_again.append)
    assert resumed == whole
    assert sum(made_again) == len(whole) - len(kept)


@pytest.mark.parametrize("where", [
    ("--jobs", "1"), ("--jobs", "2"),
    pytest.param(("--dask", "local"), marks=pytest.mark.skipif(
        importlib.util.find_spec("distributed") is None, reason="no 'dask' extra"))])
def test_ctrl_c_keeps_the_finished_runs_in_the_results_file(tmp_path, where):
    """A real SIGINT to the batch's process group, as a terminal's Ctrl-C sends it (its
    workers get it too): exit 130, a line saying how many runs were kept and nothing else
    (no worker's traceback), and their rows in the file."""
    results = tmp_path / "results.csv"
    code, said = ctrl_c("batch", STORY, "--runs", "20000", *where, "-o", results)
    assert code == 130, said
    label, message = said[0], said[-1]
    assert label.strip() == "60000 runs" and len(said) == 2, said
    assert message.startswith("tabletop: batch interrupted after ")
    kept = int(message.split(" after ")[1].split(" of ")[0])
    assert 0 < kept < 60_000
    assert f"their rows are in {results}; the same command with --resume" in message
    assert len(results.read_text(encoding="utf-8").splitlines()) == 1 + kept


def test_resume_makes_only_the_missing_runs_and_ends_as_an_uninterrupted_batch(tmp_path):
    """The file of a batch cut short (its last rows missing) is completed by `--resume`:
    the same bytes and the same summary as the batch run in one go."""
    whole, part = tmp_path / "whole.csv", tmp_path / "part.csv"
    uninterrupted = tabletop("batch", STORY, "--runs", "6", "--jobs", "1", "-o", whole)
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    part.write_text("".join(lines[:1 + 8]), encoding="utf-8")  # base 1–6, delegated 1–2
    resumed = tabletop("batch", STORY, "--runs", "6", "--jobs", "1", "-o", part, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "10 runs (8 made before)" in resumed.stderr
    assert part.read_bytes() == whole.read_bytes()
    assert resumed.stdout == uninterrupted.stdout


def test_resume_can_add_seeds_to_a_finished_batch(tmp_path):
    """Six runs a variant, then twelve with --resume: only seeds 7–12 are made."""
    results = tmp_path / "results.csv"
    assert tabletop("batch", STORY, "--runs", "6", "--jobs", "1", "-o", results).returncode == 0
    more = tabletop("batch", STORY, "--runs", "12", "--jobs", "1", "-o", results, "--resume")
    assert more.returncode == 0, more.stderr
    assert "18 runs (18 made before)" in more.stderr
    assert len(results.read_text(encoding="utf-8").splitlines()) == 1 + 3 * 12


def six_runs(tmp_path) -> str:
    results = tmp_path / "results.csv"
    assert tabletop("batch", STORY, "--runs", "6", "--jobs", "1", "-o", results).returncode == 0
    return str(results)


def edited(path: str, old: str, new: str) -> str:
    """The file with `old` replaced by `new` (the first time only)."""
    file = pathlib.Path(path)
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("make", "args", "said"), [
    (lambda tmp: None, (), "--resume needs -o FILE"),
    (lambda tmp: str(tmp / "none.csv"), (), "nothing to resume:"),
    (six_runs, ("--decide", "D-1=watch"), "resume with the same --decide choices"),
    (six_runs, ("--set", "agencies.bp.capacity=1"), "resume with the same --set values"),
    (six_runs, ("--runs", "4"), "seed 5 is not a run of this batch"),
    (six_runs, ("--variant", "base"), "variant delegated seed 1 is not a run of this batch"),
    (lambda tmp: edited(six_runs(tmp), ",0.2.0,", ",0.1.0,"),
     (), "written by another version of tabletop"),
    (lambda tmp: edited(six_runs(tmp), "base,2,", "base,1,"), (), "there twice"),
    (lambda tmp: edited(six_runs(tmp), "variant,seed", "kind,seed"),
     (), "is not a results file of 'tabletop batch'"),
    (lambda tmp: edited(six_runs(tmp), ",decide,set,", ",decide,"),
     (), "has no set column: it was written by an earlier tabletop — start a new results file"),
])
def test_resume_refuses_a_file_it_cannot_finish(tmp_path, make, args, said):
    """Each refused in one line, exit 2, the file left as it was."""
    path = make(tmp_path)
    before = contents(path)
    output = ("-o", path) if path else ()
    runs = () if "--runs" in args else ("--runs", "6")
    message = refusal(tabletop("batch", STORY, *runs, "--jobs", "1", *output, "--resume",
                               *args))
    assert said in message and len(message.strip().splitlines()) == 1
    assert contents(path) == before


def contents(path: str | None) -> bytes | None:
    return pathlib.Path(path).read_bytes() if path and os.path.exists(path) else None


def test_resume_refuses_the_file_of_a_changed_scenario(tmp_path):
    """A run of the scenario as it was is not comparable with a run of it as it is."""
    results = six_runs(tmp_path)
    changed = tmp_path / "story.yaml"
    changed.write_text(STORY.read_text(encoding="utf-8").replace("latency: 3m", "latency: 4m"),
                       encoding="utf-8")
    message = refusal(tabletop("batch", changed, "--runs", "6", "--jobs", "1", "-o", results,
                               "--resume"))
    assert "the scenario changed since; start a new results file" in message


MEASURE = st.one_of(st.none(), st.integers(-10**9, 10**9),
                    st.floats(allow_nan=False, allow_infinity=False))
ROWS = st.lists(st.fixed_dictionaries({
    "variant": st.sampled_from(["base", "desk"]), "seed": st.integers(1, 10**6),
    "scenario_hash": st.text("0123456789abcdef", min_size=64, max_size=64),
    "tabletop_version": st.just("0.2.0"), "decide": st.sampled_from(["", "D-1=watch"]),
    "set": st.sampled_from(["", "agencies.bp.capacity=1; channels.liaison.latency=5m"]),
    "met_O-1": st.sampled_from([0, 1]), "lead_gap_min": MEASURE, "handoff_median_min": MEASURE,
}), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(rows=ROWS)
def test_a_results_file_reads_back_the_values_it_was_written_with(tmp_path_factory, rows):
    """Whole numbers, fractions (to the last digit), empty measures and every identity
    column come back as the batch measured them, so a resumed summary is the same."""
    path = str(tmp_path_factory.mktemp("results") / "results.csv")
    write_csv(rows, path)
    assert read_csv(path) == rows
