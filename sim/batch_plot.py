"""A batch's distributions as one figure: a panel per measure, a box per variant.

Objectives come first, as the share of runs in which each was met (with its 95% interval,
from `sim.batch_summary`); every other measure that varies gets a box plot per variant
with its mean marked, so an analyst sees spread and overlap, not only the means. Drawn
with matplotlib's object API (a `Figure` of its own, never `pyplot`, Agg underneath), so it
needs no display and sets no global backend; the file's extension picks PNG, SVG or PDF.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from matplotlib.figure import Figure

from sim.batch_rows import MET, Row
from sim.batch_summary import (
    every_run,
    headings,
    legend,
    measure_columns,
    summarize,
    variant_order,
)
from sim.errors import TabletopError
from sim.outputs import writing

FORMATS = (".png", ".svg", ".pdf")
PANEL_COLUMNS = 3


class PlotError(TabletopError):
    """A figure asked for in a format matplotlib does not draw here."""


def check_format(path: str) -> None:
    """Refuse a figure file whose extension names no format we draw (before any run)."""
    if os.path.splitext(path)[1].lower() not in FORMATS:
        raise PlotError(f"cannot draw {path}: name the file .png, .svg or .pdf")


def plot_distributions(rows: Sequence[Row], path: str, title: str = "") -> None:
    """Draw the batch's distributions per variant into `path`."""
    check_format(path)
    variants = variant_order(rows)
    short = headings(variants)  # long names (a sweep's) shortened, and named in a legend
    objectives = [c for c in measure_columns(rows) if c.startswith(MET)]
    varying = [c for c in measure_columns(rows) if c not in objectives
               and len({r.get(c) for r in rows if r.get(c) is not None}) > 1]
    panels = (1 if objectives else 0) + len(varying)
    grid_rows = max(1, math.ceil(panels / PANEL_COLUMNS))
    figure = Figure(figsize=(4.2 * PANEL_COLUMNS, 3.2 * grid_rows), layout="constrained")
    axes = figure.subplots(grid_rows, PANEL_COLUMNS, squeeze=False).ravel()
    if objectives:
        _objectives_met(axes[0], rows, variants, objectives, short)
    for ax, column in zip(axes[1 if objectives else 0:], varying, strict=False):
        data = [[r[column] for r in rows if r["variant"] == v and r.get(column) is not None]
                for v in variants]
        ax.boxplot(data, showmeans=True, widths=0.6)
        ax.set_xticks(range(1, len(variants) + 1), [short[v] for v in variants], rotation=20)
        ax.set_title(column, fontsize=10)
    for ax in axes[panels:]:
        ax.set_visible(False)
    if any(short[v] != v for v in variants):
        figure.supxlabel("   ".join(legend(variants, short)), fontsize=8)
    runs = sum(1 for r in rows if r["variant"] == variants[0])
    terms = every_run(rows)  # a chart travels without the summary: it says them too
    figure.suptitle((f"{title} — " if title else "") + f"{runs} runs per variant (seeds "
                    f"1–{runs})" + "".join(f"\n{line}" for line in terms))
    with writing(path):
        figure.savefig(path)


def _objectives_met(ax, rows: Sequence[Row], variants: list[str], objectives: list[str],
                    short: dict[str, str]) -> None:
    """Grouped bars: the share of runs meeting each objective, per variant."""
    summary = summarize(rows)
    width = 0.8 / len(variants)
    for n, variant in enumerate(variants):
        shares = [summary[variant][o] for o in objectives]
        means = [s.mean if s else 0.0 for s in shares]
        errors = [[s.mean - s.low if s else 0.0 for s in shares],
                  [s.high - s.mean if s else 0.0 for s in shares]]
        ax.bar([i + (n - (len(variants) - 1) / 2) * width for i in range(len(objectives))],
               means, width, yerr=errors, capsize=2, label=short[variant])
    ax.set_xticks(range(len(objectives)), [o.removeprefix(MET) for o in objectives])
    ax.set_ylim(0, 1.05)
    ax.set_title("objectives met (share of runs)", fontsize=10)
    ax.legend(fontsize=7)
