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

from sim import events as ev
from sim.engine import Exercise
from sim.errors import Diagnostic, ScenarioError, TabletopError
from sim.evaluate import evaluate
from sim.headless import play_out, policy_for
from sim.journal import Journal, canonical_lines
from sim.loader import load_scenario, load_scenario_text
from sim.references import unknown
from sim.scenario import Scenario, parse_duration
from sim.session import resume
from sim.timeline import line, start_of, tplus
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


class UsageProblem(TabletopError):
    """A command line that names something that does not exist."""


def main() -> None:
    """Entry point: run the CLI, turning every error a person can cause into exit code 2."""
    try:
        app(standalone_mode=False)
    except TabletopError as error:
        print(f"tabletop: {error}" if not isinstance(error, ScenarioError) else str(error),
              file=sys.stderr)
        sys.exit(2)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(2)
    except click.exceptions.Abort:
        print("tabletop: interrupted", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        print("tabletop: interrupted", file=sys.stderr)
        sys.exit(130)


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
        evidence = ", ".join(f"#{s}" for s in r.evidence) or "—"
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

