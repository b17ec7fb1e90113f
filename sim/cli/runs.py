"""Commands that run exercises headless: run, resume, export, and batch runs over policy
variants."""

from __future__ import annotations

import math
import os
import sys
import tempfile
from typing import Annotated

import typer

from sim import events as ev
from sim.cli.app import (
    JournalOpt,
    Seed,
    SetOpt,
    UsageProblem,
    VariantOpt,
    app,
    parse_choices,
    parse_minutes,
    print_results,
    scenario_with,
)
from sim.engine import Exercise
from sim.errors import Interrupted, ScenarioError
from sim.headless import play_out, policy_for
from sim.journal import Journal, canonical_lines, ran_as
from sim.loader import load_scenario_text
from sim.outputs import check_writable
from sim.session import resume
from sim.sweeps import SET, with_excerpts
from sim.timeline import line, start_of, tplus
from sim.yamlsource import read_text


@app.command()
def run(
    scenario_file: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file.")],
    seed: Seed = 1,
    journal: JournalOpt = None,
    decide: Annotated[list[str], typer.Option("--decide", metavar="D=OPTION",
                                              help="Take OPTION at decision D (repeatable); "
                                                   "other decisions take their default.")] = [],  # noqa: B006
    until: Annotated[str | None, typer.Option("--until", help="Stop at this sim time "
                                              "(e.g. 45m); resume later.")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="Print only the objectives, not "
                                          "the timeline.")] = False,
    variant: VariantOpt = None,
    sets: SetOpt = [],  # noqa: B006
) -> None:
    """Run a scenario headless to the end and print its timeline and objectives.

    Example: tabletop run scenarios/watcher-across-the-river.yaml --seed 7 --decide D-1=warn-across
    """
    text = read_text(scenario_file)
    scenario, settings = scenario_with(text, scenario_file, variant, sets)
    choices = parse_choices(scenario, decide)
    stop = parse_minutes(until, "--until") if until else math.inf
    with tempfile.TemporaryDirectory(prefix="tabletop-") as scratch:
        path = journal or os.path.join(scratch, "journal.sqlite")
        exercise = Exercise(scenario, seed, Journal.create(path, text, seed, variant, settings))
        exercise.journal.set_policy(choices)
        try:
            events = play_out(exercise, policy_for(exercise.scenario, seed, choices), stop)
        except KeyboardInterrupt:
            if journal is None:
                raise
            raise Interrupted(f"run interrupted near {tplus(exercise.env.now)} — its journal "
                              f"keeps it: finish it with 'tabletop resume {journal}'") from None
        report_run(exercise, events, summary)
        exercise.journal.close()


def report_run(exercise, events: list[ev.Event], summary: bool) -> None:
    """The timeline (unless `summary`) and the objectives of every event of a run."""
    scenario = exercise.scenario
    if not summary:
        variant = ran_as(exercise.journal.meta) if exercise.journal else ""
        typer.echo(f"{scenario.title} — seed {exercise.seed}"
                   + (f" — variant {variant}" if variant else ""))
        echo_timeline(scenario.clock.start, events)
    if not exercise.state.ended:
        typer.echo(f"\nStopped at {tplus(exercise.clock)} (the exercise goes on to "
                   f"{tplus(scenario.clock.duration)}): finish it with 'tabletop resume JOURNAL'.")
    print_results(scenario, events)


@app.command(name="resume")
def resume_run(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="Journal of an interrupted "
                                           "headless run.")],
    summary: Annotated[bool, typer.Option("--summary", help="Print only the objectives.")]
    = False,
) -> None:
    """Finish an interrupted headless run from its journal, with nothing lost.

    Example: tabletop resume exercise.sqlite
    """
    events: list[ev.Event] = []
    exercise = resume(journal, sink=events)
    events += play_out(exercise, policy_for(exercise.scenario, exercise.seed,
                                            exercise.journal.policy()))
    report_run(exercise, events, summary)
    exercise.journal.close()


@app.command()
def export(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="A journal file.")],
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One canonical JSON object per event "
                                        "(byte-identical for identical runs).")] = False,
) -> None:
    """Print a journal's events: a readable timeline, or JSON lines with --jsonl.

    Example: tabletop export exercise.sqlite --jsonl > events.jsonl
    """
    opened = Journal.open(journal, readonly=True)
    events = opened.events()
    if jsonl:
        for text in canonical_lines(events):
            typer.echo(text)
    else:
        echo_timeline(load_scenario_text(opened.scenario_text, journal).clock.start, events)
    opened.close()


def echo_timeline(clock_start: str, events: list[ev.Event]) -> None:
    """One line per event, written at once: a year's 189,000 lines echoed one by one took
    a second longer."""
    begin = start_of(clock_start)
    if events:
        typer.echo("\n".join(line(begin, e) for e in events))


@app.command(name="batch")
def batch_runs(
    scenario_file: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file.")],
    runs: Annotated[int, typer.Option("--runs", min=1, metavar="N",
                                      help="Run seeds 1..N of every variant (run i of every "
                                           "variant uses seed i).")],
    variant: Annotated[list[str], typer.Option(
        "--variant", metavar="V",
        help="Run this variant (repeatable), in the order given; 'base' is the scenario as "
             "written. Without --variant: base, then every variant in the file. The first "
             "one is the reference the others are compared with.")] = [],  # noqa: B006
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, metavar="K",
                                             help="Worker processes on this machine (default: "
                                                  "one per core; 1 runs in this process).")]
    = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="ADDRESS",
        help="Run on a Dask cluster instead: its scheduler's tcp://host:port (its workers "
             "need tabletop installed), or 'local' for two worker processes on this "
             "machine. Needs the 'dask' extra.")] = None,
    decide: Annotated[list[str], typer.Option("--decide", metavar="D=OPTION",
                                              help="Take OPTION at decision D in every run "
                                                   "(repeatable), over the scenario's "
                                                   "policy.")] = [],  # noqa: B006
    output: Annotated[str | None, typer.Option("-o", "--output", metavar="FILE",
                                               help="Write one row per run to this CSV "
                                                    "file.")] = None,
    plot: Annotated[str | None, typer.Option("--plot", metavar="FILE",
                                             help="Draw each measure's distribution per "
                                                  "variant (.png, .svg or .pdf).")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Keep the runs already in the -o file (from an interrupted batch, "
                         "or a smaller one of the same scenario) and make only the rest.")]
    = False,
    sweep: Annotated[list[str], typer.Option(
        "--sweep", metavar="PATH=VALUES",
        help="Run with each of these values at an id path, as in a variant's 'set' "
             "(repeatable: every combination runs). Example: --sweep \"channels.bilateral "
             "liaison.latency=[40m, 10m, 5m]\". The first value is the reference. Without "
             "--variant, only the scenario as written is swept.")] = [],  # noqa: B006
    sets: Annotated[list[str], typer.Option(
        "--set", metavar="PATH=VALUE",
        help="Put VALUE at an id path in every run of every variant, as a variant's 'set' "
             "does (repeatable); the rows' 'set' column names it. Example: --set "
             "\"agencies.bp-sector.capacity=2\".")] = [],  # noqa: B006
) -> None:
    """Run a scenario and its policy variants over many seeds; print each variant's means
    with 95% intervals and its difference from the first variant, paired by seed.

    Example: tabletop batch scenarios/year-along-the-border.yaml --runs 100 --variant base
    --variant desk -o year.csv --plot year.png

    Example: tabletop batch scenarios/watcher-across-the-river.yaml --runs 200 --sweep
    "channels.bilateral liaison.latency=[40m, 15m, 5m]"

    Ctrl-C stops a batch and keeps the runs finished in the -o file; the same command with
    --resume then makes only the rest.
    """
    from sim.batch import BatchInterrupted, batch, planned, run_identity
    from sim.batch_csv import check_resumable, read_csv, write_csv
    from sim.batch_summary import render
    from sim.executors import executor_for
    from sim.sweeps import parse_sweeps

    if jobs is not None and dask is not None:
        raise UsageProblem("--jobs and --dask: choose one (--jobs runs on this machine, "
                           "--dask on a Dask cluster)")
    if resume and not output:
        raise UsageProblem("--resume needs -o FILE: the results file of the batch to finish")
    if output:
        check_writable(output, "results.csv")
    if plot:
        from sim.batch_plot import check_format, plot_distributions

        check_writable(plot, "distributions.png")
        check_format(plot)
    text = read_text(scenario_file)
    scenario, fixed = scenario_with(text, scenario_file, None, sets)
    choices = parse_choices(scenario, decide)
    sweeps = parse_sweeps(sweep)
    try:
        names = [arm.label for arm in planned(text, scenario_file, variant, sweeps, fixed)]
    except ScenarioError as error:  # a --set value that does not fit a variant
        raise with_excerpts(error, SET, sets) from None
    done = read_csv(output) if resume else []
    if resume:
        check_resumable(done, output, run_identity(text, choices, fixed), names, runs)
    total = runs * len(names) - len(done)
    label = f"{total} runs" + (f" ({len(done)} made before)" if done else "")
    try:
        with executor_for(jobs, dask) as executor, typer.progressbar(
                length=total, label=label, file=sys.stderr) as bar:
            rows = batch(text, scenario_file, variant, runs, executor, choices, bar.update, done,
                         sweeps, fixed)
    except BatchInterrupted as stopped:
        if not output:
            kept = "nothing is kept without -o FILE"
        elif not stopped.rows:
            kept = "nothing written"
        else:
            write_csv(stopped.rows, output)
            kept = f"their rows are in {output}; the same command with --resume makes the rest"
        raise Interrupted(f"batch interrupted after {len(stopped.rows)} of {stopped.total} "
                          f"runs — {kept}") from None
    if output:
        write_csv(rows, output)
    typer.echo(render(rows))
    if plot:
        plot_distributions(rows, plot, scenario.title)
