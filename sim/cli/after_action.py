"""After-action commands: the AAR/IP report, evaluator ratings, forks and comparisons."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli.app import (
    OutFile,
    UsageProblem,
    app,
)
from sim.fork import fork_journal
from sim.rating import RATINGS, record_rating
from sim.timeline import tplus


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
    """Confirm or override an objective's proposed HSEEP rating once the exercise has
    ended (journaled; the AAR/IP shows both).

    Example: tabletop rate exercise.sqlite O-1 S --by "J. Evaluator" --why "lead named late"
    """
    rating = rating.upper()
    proposed, _ = record_rating(journal, objective, rating, by, why)
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

    Example: tabletop fork exercise.sqlite --at D-1 --option lead-and-ask
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

    Example: tabletop compare exercise.sqlite exercise.fork-D-1-lead-and-ask.sqlite
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
