"""`tabletop`: the composition root. Each command parses, calls the core, prints.

stdout is data, stderr is for people; any `TabletopError` becomes one or two lines on
stderr and exit code 2 (`main`), so no traceback ever reaches a facilitator. The console
(`tui`) is imported inside `play` and `review` only, so the headless commands never load
Textual.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

from sim import events as ev
from sim.engine import Exercise
from sim.errors import Diagnostic, ScenarioError, TabletopError
from sim.evaluate import evaluate
from sim.fork import fork_journal
from sim.headless import play_out, policy_for
from sim.journal import Journal, canonical_lines
from sim.loader import load_scenario, load_scenario_text
from sim.rating import RATINGS, record_rating
from sim.references import unknown
from sim.scenario import Scenario
from sim.session import resume
from sim.timeline import line, start_of, tplus
from sim.values import parse_duration
from sim.yamlsource import read_text

app = typer.Typer(
    name="tabletop",
    help="Interagency tabletop exercises: validate and run scenarios, facilitate them live "
         "in a console, and review them afterwards.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

Seed = Annotated[int, typer.Option("--seed", help="Seed of the random streams (same seed, same "
                                   "run).")]
JournalOpt = Annotated[str | None, typer.Option("--journal", help="Keep the exercise's journal "
                                                "(SQLite) in this file.")]


EVIDENCE_SHOWN = 8  # event numbers listed per objective; the report has them all


class UsageProblem(TabletopError):
    """A command line that names something that does not exist."""


def main() -> None:
    """Entry point: run the CLI, turning every error a person can cause into exit code 2."""
    try:
        code = app(standalone_mode=False)  # a command's `typer.Exit(n)` comes back as n
        if isinstance(code, int) and code:
            sys.exit(code)
    except TabletopError as error:
        print(f"tabletop: {error}" if not isinstance(error, ScenarioError) else str(error),
              file=sys.stderr)
        sys.exit(2)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except (click.ClickException, typer.TyperException) as error:  # typer may vendor click
        error.show()
        sys.exit(2)
    except (click.exceptions.Abort, typer.Abort):
        print("tabletop: interrupted", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        print("tabletop: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # `tabletop export … | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


def _minutes(value: str, option: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as error:
        raise UsageProblem(f"{option} {value}: {error}") from None


def _choices(scenario: Scenario, decide: list[str]) -> dict[str, str]:
    """`D-1=act-across` pairs, each checked against the scenario."""
    choices: dict[str, str] = {}
    for pair in decide:
        decision_id, sep, option = pair.partition("=")
        decision = next((d for d in scenario.decisions if d.id == decision_id), None)
        if not sep:
            raise UsageProblem(f"--decide {pair}: write DECISION=OPTION, e.g. --decide D-1=monitor")
        if decision is None:
            raise UsageProblem(f"--decide {pair}: " + unknown("decision", decision_id,
                                                              [d.id for d in scenario.decisions]))
        if decision.option(option) is None:
            raise UsageProblem(f"--decide {pair}: " + unknown("option", option,
                                                              [o.id for o in decision.options]))
        choices[decision_id] = option
    return choices


def print_results(scenario: Scenario, events: list[ev.Event]) -> None:
    results = evaluate(scenario, events)
    if not results:
        return
    typer.echo("\nObjectives")
    for r in results:
        evidence = ", ".join(f"#{s}" for s in r.evidence[:EVIDENCE_SHOWN]) or "—"
        if len(r.evidence) > EVIDENCE_SHOWN:
            evidence += f" and {len(r.evidence) - EVIDENCE_SHOWN} more"
        typer.echo(f"  {r.objective.id:<6} {'MET' if r.met else 'NOT MET':<8} "
                   f"{r.objective.text}\n{'':17}{r.detail} (evidence: {evidence})")


# ---------------------------------------------------------------------- scenario files


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario files to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print diagnostics as JSON (file, "
                                          "line, column, path, message) for editors and CI.")]
    = False,
) -> None:
    """Check scenario files and explain every problem with its line and column.

    Example: tabletop validate scenarios/*.yaml
    """
    problems: list[Diagnostic] = []
    summaries = []
    for path in files:
        try:
            s = load_scenario(path)
        except ScenarioError as error:
            problems += error.diagnostics
            continue
        counts = {"agencies": len(s.agencies), "zones": len(s.zones),
                  "incidents": len(s.incidents), "injects": len(s.injects),
                  "decisions": len(s.decisions), "objectives": len(s.objectives)}
        summaries.append({"file": path, "id": s.id, **counts})
        if not as_json:
            typer.echo(f"{path}: ok — " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    if as_json:
        typer.echo(json.dumps({"valid": summaries, "problems": [p.as_dict() for p in problems]},
                              indent=2, ensure_ascii=False))
    elif problems:
        typer.echo("\n".join(map(str, problems)), err=True)
    if problems:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the scenario format's JSON Schema (for editor completion and checks).

    Example: tabletop schema > docs/scenario.schema.json
    """
    typer.echo(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2))


# ---------------------------------------------------------------------- headless runs


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
    variant: Annotated[str | None, typer.Option("--variant", help="Run this policy variant of "
                                                "the scenario.")] = None,
) -> None:
    """Run a scenario headless to the end and print its timeline and objectives.

    Example: tabletop run scenarios/river-watch.yaml --seed 7 --decide D-1=act-across
    """
    text = read_text(scenario_file)
    scenario = load_scenario_text(text, scenario_file, variant)
    choices = _choices(scenario, decide)
    stop = _minutes(until, "--until") if until else math.inf
    with tempfile.TemporaryDirectory(prefix="tabletop-") as scratch:
        path = journal or os.path.join(scratch, "journal.sqlite")
        exercise = Exercise(scenario, seed, Journal.create(path, text, seed, variant))
        exercise.journal.set_policy(choices)
        play_out(exercise, policy_for(exercise.scenario, seed, choices), stop)
        _report_run(exercise, list(exercise.journal.events()), summary)
        exercise.journal.close()


def _report_run(exercise, events: list[ev.Event], summary: bool) -> None:
    scenario = exercise.scenario
    begin = start_of(scenario.clock.start)
    if not summary:
        typer.echo(f"{scenario.title} — seed {exercise.seed}")
        for e in events:
            typer.echo(line(begin, e))
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
    exercise = resume(journal)
    play_out(exercise, policy_for(exercise.scenario, exercise.seed, exercise.journal.policy()))
    _report_run(exercise, list(exercise.journal.events()), summary)
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
    events = list(opened.events())
    if jsonl:
        for text in canonical_lines(events):
            typer.echo(text)
    else:
        scenario = load_scenario_text(opened.scenario_text, journal)
        begin = start_of(scenario.clock.start)
        for e in events:
            typer.echo(line(begin, e))
    opened.close()


# ---------------------------------------------------------------------- the console
# tui (Textual) is imported inside these two commands only: the others never load it.


@app.command()
def play(
    scenario_file: Annotated[str | None, typer.Argument(
        metavar="SCENARIO", help="Scenario file (leave out to reopen --journal FILE).")]
    = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the random streams "
                                             "(default 1; a reopened journal keeps its own).")]
    = None,
    journal: Annotated[str | None, typer.Option("--journal", metavar="FILE", help="Journal "
                                                "file: reopened where it stopped if it exists, "
                                                "started otherwise (default: a new "
                                                "SCENARIO-ID-TIMESTAMP.tabletop.sqlite here).")]
    = None,
) -> None:
    """Run a live exercise in the facilitator's console (clock, injects, decisions, notes).

    Example: tabletop play scenarios/watcher-across-the-river.yaml --journal ex.sqlite
    """
    from tui.app import make_console
    from tui.sessions import default_journal_name

    if scenario_file is None and journal is None:
        raise UsageProblem("name a scenario to start an exercise (tabletop play SCENARIO), or "
                           "reopen one with tabletop play --journal FILE")
    path = journal or default_journal_name(scenario_file)
    console = make_console(scenario_file, path, seed)
    try:
        console.run()
    finally:
        console.session.close()
    typer.echo(f"The journal is {path} — reopen it with: tabletop play --journal {path}",
               err=True)
    if console.return_code:  # the console failed (Textual has printed why)
        raise typer.Exit(console.return_code)


@app.command()
def review(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="The exercise's journal.")],
) -> None:
    """Review a journaled exercise read-only: jump to any time, decision or violation.

    Example: tabletop review ex.sqlite
    """
    from tui.app import make_console

    make_console(None, journal, review=True).run()


# ---------------------------------------------------------------------- after action
# sim.report and sim.compare draw with matplotlib, which takes most of a second to load:
# they are imported inside their commands so the other commands stay quick.

OutFile = Annotated[str | None, typer.Option("-o", "--output", metavar="FILE",
                                             help="Write to this file instead of stdout.")]


@app.command()
def report(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="The exercise's journal.")],
    fmt: Annotated[str, typer.Option("--format", help="md (Markdown), html (one "
                                     "self-contained page) or docx (Word; needs -o).")] = "md",
    output: OutFile = None,
) -> None:
    """Write the AAR/IP draft: objectives with proposed ratings, timeline, decisions,
    handoffs, seams broken, who led each incident, and the improvement plan.

    Example: tabletop report exercise.sqlite --format html -o aar.html
    """
    from sim.report import write_report

    if fmt == "docx":
        from sim.aar_docx import write_docx

        if output is None:
            raise UsageProblem("--format docx writes a Word file: add -o aar.docx")
        typer.echo(f"AAR/IP written to {write_docx(journal, output)}", err=True)
        return

    written = write_report(journal, fmt, output)
    if output is None:
        typer.echo(written, nl=False)
    else:
        typer.echo(f"AAR/IP written to {written}", err=True)


@app.command()
def rate(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="The exercise's journal.")],
    objective: Annotated[str, typer.Argument(help="The objective's id, e.g. O-1.")],
    rating: Annotated[str, typer.Argument(metavar="RATING", help="P, S, M or U (HSEEP).")],
    by: Annotated[str, typer.Option("--by", help="The evaluator's name.")],
    why: Annotated[str, typer.Option("--why", help="The reason; needed to override the "
                                     "proposed rating.")] = "",
) -> None:
    """Confirm or override an objective's proposed HSEEP rating (journaled; the AAR/IP
    shows both).

    Example: tabletop rate exercise.sqlite O-1 S --by "J. Evaluator" --why "lead named late"
    """
    rating = rating.upper()
    proposed = record_rating(journal, objective, rating, by, why)
    verb = "confirmed" if proposed.rating == rating else "overrode"
    typer.echo(f"{by} {verb} the proposed rating of {objective} ({proposed.rating}) with "
               f"{rating}: {RATINGS[rating]}")


@app.command()
def fork(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="The exercise's journal.")],
    at: Annotated[str, typer.Option("--at", metavar="DECISION", help="The decision to take "
                                    "otherwise (D-2@incident for one opened per incident).")],
    option: Annotated[str, typer.Option("--option", help="The option to take there.")],
    output: Annotated[str | None, typer.Option("-o", "--output", metavar="NEW", help="The new "
                                               "journal (default: JOURNAL.fork-D-X.sqlite).")]
    = None,
) -> None:
    """Replay the exercise to a decision, take another option, and run on with the same
    seed: what would have happened had they decided otherwise?

    Example: tabletop fork exercise.sqlite --at D-1 --option ask-partner
    """
    made = fork_journal(journal, at, option, output)
    was = f"instead of '{made.was}'" if made.was and made.was != option else "as before"
    typer.echo(f"Forked {journal} at {made.decision}: '{option}' {was}, taken at "
               f"{tplus(made.at)} ({made.where}) → {made.path}")
    typer.echo(f"Compare the two runs: tabletop compare {journal} {made.path}")


@app.command()
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="A journal (e.g. the original).")],
    b: Annotated[str, typer.Argument(metavar="B", help="Another journal (e.g. its fork).")],
    fmt: Annotated[str, typer.Option("--format", help="text (two columns) or html.")] = "text",
    output: OutFile = None,
) -> None:
    """Show two runs side by side: objectives, violations by rule, lead gaps, decisions,
    and the first event where the timelines part.

    Example: tabletop compare exercise.sqlite exercise.fork-D-1-ask-partner.sqlite
    """
    from sim.compare import compare as compare_runs
    from sim.compare import render_html, render_text
    from sim.report import write_text

    if fmt not in ("text", "html"):
        raise UsageProblem(f"--format {fmt}: write text or html")
    comparison = compare_runs(a, b)
    text = render_text(comparison) + "\n" if fmt == "text" else render_html(comparison)
    if output is None:
        typer.echo(text, nl=False)
        return
    write_text(output, text)
    typer.echo(f"Comparison written to {output}", err=True)


# ---------------------------------------------------------------------- exercise planning


class _ExportUnlessNamed(TyperGroup):
    """`tabletop msel SCENARIO -o FILE` is short for `tabletop msel export SCENARIO -o FILE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["export", *args]
        return super().parse_args(ctx, args)


msel_app = typer.Typer(cls=_ExportUnlessNamed, no_args_is_help=True, rich_markup_mode=None,
                       help="The MSEL as a spreadsheet: export it for planners, import their "
                            "edits back into the scenario. 'tabletop msel SCENARIO -o "
                            "msel.xlsx' is short for 'tabletop msel export SCENARIO -o "
                            "msel.xlsx'.")
app.add_typer(msel_app, name="msel")


@msel_app.command("export")
def msel_export(
    scenario_file: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE",
                                        help="msel.xlsx (a workbook) or msel.csv.")],
    seed: Annotated[int, typer.Option("--seed", help="Seed of the default run that times the "
                                      "triggered injects.")] = 1,
) -> None:
    """Write the scenario's MSEL in HSEEP's columns, for planners to edit in a spreadsheet.

    Example: tabletop msel scenarios/airspace-first.yaml -o msel.xlsx
    """
    from sim.msel import msel_rows
    from sim.msel_io import check_format, write_msel

    check_format(output)
    rows = msel_rows(load_scenario(scenario_file), seed)
    write_msel(output, rows)
    typer.echo(f"MSEL of {scenario_file} ({len(rows)} injects) written to {output}", err=True)


@msel_app.command("import")
def msel_import(
    msel_file: Annotated[str, typer.Argument(metavar="MSEL", help="The edited msel.xlsx or "
                                             "msel.csv.")],
    into: Annotated[str, typer.Option("--into", metavar="SCENARIO", help="The scenario file to "
                                      "merge it into (edited in place).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the changes, write "
                                          "nothing.")] = False,
) -> None:
    """Merge an edited MSEL back into its scenario (new, changed and deleted rows), keeping
    the file's comments and layout, and report each change.

    Example: tabletop msel import msel.xlsx --into scenarios/airspace-first.yaml
    """
    from sim.msel_merge import import_msel

    changes = import_msel(msel_file, into, dry_run=dry_run)
    if not changes:
        typer.echo(f"{into} already says what {msel_file} says: nothing to change.")
        return
    typer.echo(f"{'Would change' if dry_run else 'Changed'} {into} from {msel_file}:")
    for change in changes:
        typer.echo(f"  {change}")


@app.command(name="preflight")
def preflight_check(
    scenario_file: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file.")],
    runs: Annotated[int, typer.Option("--runs", min=1, help="Seeds per decision path "
                                      "(1..N).")] = 10,
) -> None:
    """Dry-run a scenario over seeds and every decision path; report objectives no path
    meets (or every path meets), injects that never fire, decisions that never open or
    always time out, triggers that never match, and the controller's load. Exit 1 when
    a problem is found, so it can gate a scenario in CI.

    Example: tabletop preflight scenarios/airspace-first.yaml --runs 20
    """
    from sim.preflight import preflight, render

    report = preflight(load_scenario(scenario_file), runs)
    typer.echo(render(report))
    if report.problems:
        raise typer.Exit(1)


@app.command(name="docs")
def planning_documents(
    scenario_file: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="DIR",
                                        help="Folder for the documents (created if needed).")],
) -> None:
    """Write the Situation Manual skeleton and an Exercise Evaluation Guide per objective,
    each as Markdown and as Word (.docx).

    Example: tabletop docs scenarios/airspace-first.yaml -o handouts
    """
    from sim.documents import write_documents

    for path in write_documents(read_text(scenario_file), scenario_file, output):
        typer.echo(path)


# ---------------------------------------------------------------------- analysis at scale


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
) -> None:
    """Run a scenario and its policy variants over many seeds; print each variant's means
    with 95% intervals and its difference from the first variant, paired by seed.

    Example: tabletop batch scenarios/year-along-the-border.yaml --runs 100 --variant base
    --variant desk -o year.csv --plot year.png
    """
    from sim.batch import batch, check_writable, variants_to_run, write_csv
    from sim.batch_summary import render
    from sim.executors import executor_for

    if jobs is not None and dask is not None:
        raise UsageProblem("--jobs and --dask: choose one (--jobs runs on this machine, "
                           "--dask on a Dask cluster)")
    for path in filter(None, (output, plot)):
        check_writable(path)
    if plot:
        from sim.batch_plot import check_format, plot_distributions

        check_format(plot)
    text = read_text(scenario_file)
    scenario = load_scenario_text(text, scenario_file)
    choices = _choices(scenario, decide)
    total = runs * len(variants_to_run(scenario, variant))
    with executor_for(jobs, dask) as executor, typer.progressbar(
            length=total, label=f"{total} runs", file=sys.stderr) as bar:
        rows = batch(text, scenario_file, variant, runs, executor, choices, bar.update)
    if output:
        write_csv(rows, output)
    typer.echo(render(rows))
    if plot:
        plot_distributions(rows, plot, scenario.title)
