"""The typer app every command registers on, the options they share, and the helpers
that turn a command line into the core's terms (durations, `--decide` choices, `--set`
values) and the objective results into lines a facilitator reads."""

from __future__ import annotations

from typing import Annotated

import typer

from sim import events as ev
from sim.errors import ScenarioError, TabletopError
from sim.evaluate import evaluate
from sim.headless import choice_problem
from sim.loader import load_scenario_text
from sim.scenario import Scenario
from sim.sweeps import SET, parse_sets, with_excerpts
from sim.values import parse_duration
from sim.variants import Setting

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


VariantOpt = Annotated[str | None, typer.Option("--variant", help="Run this policy variant "
                                                "of the scenario.")]
SetOpt = Annotated[list[str], typer.Option(
    "--set", metavar="PATH=VALUE",
    help="Put VALUE at an id path of the scenario, as a variant's 'set' does (repeatable): "
         "--set \"channels.bilateral liaison.latency=5m\". The journal keeps it.")]


def scenario_with(text: str, name: str, variant: str | None,
                  sets: list[str]) -> tuple[Scenario, list[Setting]]:
    """The scenario (or its variant) with the `--set` values put in, and those settings; a
    value that does not fit is reported at its column in the option."""
    settings = parse_sets(sets)
    try:
        return load_scenario_text(text, name, variant, settings), settings
    except ScenarioError as error:
        raise with_excerpts(error, SET, sets) from None


OutFile = Annotated[str | None, typer.Option("-o", "--output", metavar="FILE",
                                             help="Write to this file instead of stdout.")]

EVIDENCE_SHOWN = 8  # event numbers listed per objective; the report has them all


class UsageProblem(TabletopError):
    """A command line that names something that does not exist."""


def parse_minutes(value: str, option: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as error:
        raise UsageProblem(f"{option} {value}: {error}") from None


def parse_choices(scenario: Scenario, decide: list[str]) -> dict[str, str]:
    """`D-1=warn-across` pairs, each checked against the scenario."""
    choices: dict[str, str] = {}
    for pair in decide:
        decision_id, sep, option = pair.partition("=")
        if not sep:
            raise UsageProblem(f"--decide {pair}: write DECISION=OPTION, e.g. --decide D-1=monitor")
        problem = choice_problem(scenario, decision_id, option)
        if problem:
            raise UsageProblem(f"--decide {pair}: {problem}")
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
