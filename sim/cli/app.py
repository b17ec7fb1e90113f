"""The typer app every command registers on, the options they share, and the helpers
that turn a command line into the core's terms (durations, `--decide` choices) and the
objective results into lines a facilitator reads."""

from __future__ import annotations

from typing import Annotated

import typer

from sim import events as ev
from sim.errors import TabletopError
from sim.evaluate import evaluate
from sim.headless import choice_problem
from sim.scenario import Scenario
from sim.values import parse_duration

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
