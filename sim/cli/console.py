"""The facilitator's console (play and review) and the players' screen beside it. Textual
and `tui` are imported inside the commands only, so every other command starts without
them."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli.app import (
    SetOpt,
    UsageProblem,
    VariantOpt,
    app,
    scenario_with,
)
from sim.variants import Setting
from sim.yamlsource import read_text


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
    variant: VariantOpt = None,
    sets: SetOpt = [],  # noqa: B006
) -> None:
    """Run a live exercise in the facilitator's console (clock, injects, decisions, notes).

    Example: tabletop play scenarios/watcher-across-the-river.yaml --journal ex.sqlite

    Example: tabletop play scenarios/quiet-on-the-shared-band.yaml --variant era-a
    """
    from tui.app import make_console
    from tui.sessions import default_journal_name

    if scenario_file is None and journal is None:
        raise UsageProblem("name a scenario to start an exercise (tabletop play SCENARIO), or "
                           "reopen one with tabletop play --journal FILE")
    settings: list[Setting] = []
    if variant or sets:  # checked here, so that a bad value is shown at its column
        if scenario_file is None:
            raise UsageProblem("--variant and --set start a new exercise: name its scenario "
                               "(tabletop play SCENARIO --variant V)")
        settings = scenario_with(read_text(scenario_file), scenario_file, variant, sets)[1]
    path = journal or default_journal_name(scenario_file)
    console = make_console(scenario_file, path, seed, variant=variant, settings=settings)
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


@app.command()
def display(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="The live exercise's "
                                           "journal (the one 'tabletop play' writes).")],
    options: Annotated[bool, typer.Option("--options/--no-options", help="Show each open "
                                          "decision's options, or only its question (so the "
                                          "room discusses before it sees the choices).")]
    = True,
) -> None:
    """The players' screen, for a projector: follows a live exercise read-only and shows
    the clock, each inject as it is delivered, and the decisions open to the cells — never
    the MSEL to come, the expected actions or the objectives.

    Example: tabletop display ex.sqlite   (beside: tabletop play SCENARIO --journal ex.sqlite)
    """
    from tui.display import PlayerDisplay

    screen = PlayerDisplay(journal, options=options)
    screen.run()
    if screen.return_code:  # the journal became unreadable (Textual has printed why)
        raise typer.Exit(screen.return_code)


@app.command()
def seat(
    journal: Annotated[str, typer.Argument(metavar="JOURNAL", help="The live exercise's "
                                           "journal (the one 'tabletop play' writes).")],
    cells: Annotated[list[str], typer.Option(
        "--cell", metavar="AGENCY", help="The player cell (agency) whose seat this is; "
                                         "repeat it for a table that plays several.")],
) -> None:
    """A player cell's own seat beside the console: the injects sent to the cell and the
    decisions open to it; Enter on an option sends the cell's choice, `m` a move of its
    own, `w` a note to the controller, which the console journals (or refuses, and the seat
    says why).

    Example: tabletop seat ex.sqlite --cell bp-sector   (beside the console on ex.sqlite)

    Example: tabletop seat ex.sqlite --cell bp-sector --cell sector-hq   (a federal table)
    """
    from tui.seat import PlayerSeat

    screen = PlayerSeat(journal, cells)
    screen.run()
    if screen.return_code:  # the journal became unreadable (Textual has printed why)
        raise typer.Exit(screen.return_code)


# ---------------------------------------------------------------------- after action
# sim.report and sim.compare draw with matplotlib, which takes most of a second to load:
# they are imported inside their commands so the other commands stay quick.
