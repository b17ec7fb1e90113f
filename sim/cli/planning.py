"""Commands for scenario authors and planners: validate, schema, the MSEL spreadsheet
round trip, pre-flight and the HSEEP documents."""

from __future__ import annotations

import json
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

from sim.cli.app import (
    SetOpt,
    VariantOpt,
    app,
    scenario_with,
)
from sim.errors import Diagnostic, ScenarioError
from sim.loader import load_scenario
from sim.scenario import Scenario
from sim.timeline import counted
from sim.variants import run_label
from sim.yamlsource import read_text

SINGULAR = {"agencies": "agency", "zones": "zone", "incidents": "incident", "injects": "inject",
            "decisions": "decision", "objectives": "objective"}


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
            typer.echo(f"{path}: ok — " + ", ".join(
                counted(n, SINGULAR[k], k) for k, n in counts.items()))
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
    variant: VariantOpt = None,
    sets: SetOpt = [],  # noqa: B006
) -> None:
    """Write the scenario's MSEL in HSEEP's columns, for planners to edit in a spreadsheet.

    Example: tabletop msel scenarios/airspace-first.yaml -o msel.xlsx
    """
    from sim.msel import msel_rows
    from sim.msel_io import check_format, write_msel

    check_format(output)
    rows = msel_rows(scenario_to_plan(scenario_file, variant, sets)[0], seed)
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
    variant: VariantOpt = None,
    sets: SetOpt = [],  # noqa: B006
) -> None:
    """Dry-run a scenario over seeds and every decision path; report objectives no path
    meets (or every path meets), injects that never fire, decisions that never open or
    always time out, triggers that never match, and the controller's load. Exit 1 when
    a problem is found, so it can gate a scenario in CI.

    Example: tabletop preflight scenarios/airspace-first.yaml --runs 20
    """
    from sim.preflight import preflight, render

    report = preflight(scenario_to_plan(scenario_file, variant, sets)[0], runs)
    typer.echo(render(report))
    if report.problems:
        raise typer.Exit(1)


@app.command(name="docs")
def planning_documents(
    scenario_file: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="DIR",
                                        help="Folder for the documents (created if needed).")],
    variant: VariantOpt = None,
    sets: SetOpt = [],  # noqa: B006
) -> None:
    """Write the Situation Manual skeleton, an Exercise Evaluation Guide per objective and a
    Participant Feedback Form, each as Markdown and as Word (.docx).

    Example: tabletop docs scenarios/airspace-first.yaml -o handouts
    """
    from sim.documents import write_documents

    for path in write_documents(*scenario_to_plan(scenario_file, variant, sets), output):
        typer.echo(path)


def scenario_to_plan(scenario_file: str, variant: str | None,
                     sets: list[str]) -> tuple[Scenario, str]:
    """The scenario to plan for, under its `variant` and `--set` values, and that policy's
    name in one line ('' for the scenario as written)."""
    scenario, settings = scenario_with(read_text(scenario_file), scenario_file, variant, sets)
    return scenario, run_label(variant, settings)


# ---------------------------------------------------------------------- analysis at scale
