"""The AAR/IP's chart of who led each incident over time, with the lead gaps marked.

Drawn with matplotlib's object API (a `Figure` of its own, never `pyplot`), so it sets
no global backend, needs no display and is safe in a console worker thread. The figure
comes out as SVG text with a fixed id salt and no date, so the same journal draws the
same bytes: inline in the HTML report (which then opens offline), or a file beside the
Markdown one; or as a PNG for the Word AAR/IP (python-docx places no SVG).
"""

from __future__ import annotations

import io
import math
from datetime import timedelta

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.leads import LeadHistory, Span
from sim.timeline import start_of, tplus, wall

DAY = 24 * 60
MAX_ROWS = 40  # incidents drawn; a long stream of them would make the chart unreadable
CAPTION = ("Each row is an incident while it is in the exercise area: coloured by its lead "
           "agency, grey while nobody leads it, hatched red during a lead gap.")
GAP_COLOUR = "#c0392b"
PRESENT_COLOUR = "#e9e9e9"
LEAD_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#393b79")


def lead_chart_svg(history: LeadHistory, salt: str = "tabletop") -> str:
    """The chart as an `<svg>` element (no XML prologue), ready to inline or to save."""
    figure = _draw(history)
    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None,
                                                    "Type": None, "Format": None})
    text = out.getvalue()
    return text[text.index("<svg"):]


def lead_chart_png(history: LeadHistory) -> tuple[bytes, tuple[float, float]]:
    """The chart as PNG bytes, and its size in inches (width, height)."""
    figure = _draw(history)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, metadata={"Software": None})
    return out.getvalue(), tuple(figure.get_size_inches())


def _draw(history: LeadHistory) -> Figure:
    """One row per incident: grey while present, coloured by lead, hatched red in a gap."""
    rows = _rows(history)
    figure = Figure(figsize=(10, 1.6 + 0.55 * max(len(rows), 1)), layout="constrained")
    axes = figure.add_subplot()
    agencies = list(dict.fromkeys(span.who for span in history.leads))
    colour = {a: LEAD_COLOURS[n % len(LEAD_COLOURS)] for n, a in enumerate(agencies)}
    present, leads, gaps = (_by_incident(spans, rows) for spans in
                            (history.present, history.leads, history.gaps))
    for row, incident in enumerate(rows):
        _bars(axes, row, present[incident], facecolors=PRESENT_COLOUR, edgecolor="#9a9a9a",
              linewidth=0.6)
        for agency in agencies:
            _bars(axes, row, [s for s in leads[incident] if s.who == agency],
                  facecolors=colour[agency])
        _bars(axes, row, gaps[incident], facecolors="none", edgecolor=GAP_COLOUR,
              hatch="////", linewidth=1.2)
        for gap in gaps[incident]:
            if gap.end - gap.start >= history.end / 12:
                axes.text((gap.start + gap.end) / 2, row, gap.who, ha="center", va="center",
                          fontsize=8, color=GAP_COLOUR,
                          bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    axes.set_yticks(range(len(rows)), labels=rows)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    _time_axis(axes, history)
    handles = [Patch(facecolor=colour[a], label=f"led by {a}") for a in agencies] + [
        Patch(facecolor=PRESENT_COLOUR, edgecolor="#9a9a9a", label="present, no lead"),
        Patch(facecolor="none", edgecolor=GAP_COLOUR, hatch="////", label="lead gap")]
    figure.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4),
                  frameon=False, fontsize=9)  # under the axes, whatever the figure's height
    shown = (f" (the {MAX_ROWS} of {len(history.incidents)} incidents with the longest "
             "lead gaps)" if len(history.incidents) > MAX_ROWS else "")
    axes.set_title("Who led each incident over time" + shown, loc="left", fontsize=11)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    if not rows:
        axes.text(0.5, 0.5, "no incident appeared", transform=axes.transAxes, ha="center")
    return figure


def _rows(history: LeadHistory) -> list[str]:
    """The incidents to draw, in order of appearance: all of them, or those with the
    longest lead gaps when there are more than MAX_ROWS."""
    if len(history.incidents) <= MAX_ROWS:
        return history.incidents
    gap = dict.fromkeys(history.incidents, 0.0)
    for span in history.gaps:
        gap[span.incident] += span.end - span.start
    chosen = set(sorted(history.incidents, key=lambda i: -gap[i])[:MAX_ROWS])
    return [i for i in history.incidents if i in chosen]


def _by_incident(spans: list[Span], rows: list[str]) -> dict[str, list[Span]]:
    """The spans of each drawn incident, in order: sorted out once, not once per row and
    agency (a year's thousands of spans made that most of drawing the chart)."""
    drawn: dict[str, list[Span]] = {incident: [] for incident in rows}
    for span in spans:
        if span.incident in drawn:
            drawn[span.incident].append(span)
    return drawn


def _bars(axes, row: int, spans: list[Span], **style) -> None:
    """Spans as bars on a row (an instant still shows, thinly)."""
    axes.broken_barh([(s.start, max(s.end - s.start, 0.25)) for s in spans],
                     (row - 0.35, 0.7), **style)


def _time_axis(axes, history: LeadHistory) -> None:
    """Wall-clock ticks with T+ beneath, at most about nine of them: every 10 minutes up to
    every 4 hours within a day, every 1 to 60 days past that (dates, then T+ days)."""
    end = max(history.end, 1.0)
    begin = start_of(history.start_label)
    if end <= DAY:
        step = next((s for s in (10, 15, 30, 60, 120, 180, 240) if end / s <= 9), 240)
    else:
        step = DAY * next((d for d in (1, 2, 7, 14, 30, 60) if end / (DAY * d) <= 9), 60)

    def label(t: float) -> str:
        if end <= DAY:
            return f"{wall(begin, t)}\n{tplus(t)}"
        return f"{begin + timedelta(minutes=t):%d %b}\nT+{t / DAY:g}d"

    ticks = [n * step for n in range(math.floor(end / step) + 1)]
    axes.set_xlim(0, end)
    axes.set_xticks(ticks, labels=[label(t) for t in ticks], fontsize=8)
