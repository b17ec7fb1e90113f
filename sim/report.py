"""The AAR/IP as a document: Markdown or a self-contained HTML page, from `sim.aar`'s data.

Rendering is Jinja2 templates in `sim/templates/`. The HTML environment autoescapes, so
every text a person typed (notes, ad-hoc injects, rating reasons) is escaped; the
Markdown one escapes table cells with the `cell` filter. The HTML page carries its CSS
and the lead chart (inline SVG) and references nothing outside itself, so it opens
offline; Markdown gets the chart as an SVG file beside it, or as a data URI on stdout.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from sim import rating
from sim.aar import gather
from sim.aar_lines import HELD_INJECTS, AfterAction
from sim.chart import CAPTION, lead_chart_svg
from sim.errors import TabletopError
from sim.outputs import check_writable, writing

FORMATS = ("md", "html")
# The sections every AAR/IP has, in order: (anchor, heading).
SECTIONS = (
    ("overview", "Exercise overview"),
    ("objectives", "Objectives and core capabilities"),
    ("seams", "Seams broken: violations and lead gaps"),
    ("leads", "Who led each incident"),
    ("decisions", "Decisions"),
    ("exchanges", "Handoffs, coordination and approvals"),
    ("msel", "Injects delivered (MSEL)"),
    ("timeline", "Timeline"),
    ("notes", "Notes: evaluators, controllers and player cells"),
    ("plan", "Appendix A: Improvement plan"),
    ("rule", "Appendix B: How the proposed ratings are derived"),
)


class ReportProblem(TabletopError):
    """A report that cannot be written as asked."""


def _cell(value: Any) -> str:
    """Text made safe for a Markdown table cell: no markup, no pipe, one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} min"


def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=PackageLoader("sim", "templates"), autoescape=autoescape,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["cell"] = _cell
    env.filters["minutes"] = _minutes
    env.globals.update(sections=dict(SECTIONS), section_order=SECTIONS,
                       ratings=rating.RATINGS, rule=rating.RULE, chart_caption=CAPTION,
                       held_injects=HELD_INJECTS)
    return env


HTML = _environment(autoescape=True)
MARKDOWN = _environment(autoescape=False)


def render_html(aar: AfterAction) -> str:
    """The AAR/IP as one HTML page that needs nothing else to open."""
    return HTML.get_template("aar.html.j2").render(aar=aar, chart=lead_chart_svg(aar.leads))


def render_markdown(aar: AfterAction, chart_src: str) -> str:
    """The AAR/IP in Markdown; `chart_src` is where its lead chart image is found."""
    return MARKDOWN.get_template("aar.md.j2").render(aar=aar, chart_src=chart_src)


def write_report(journal: str, fmt: str = "md", out: str | None = None) -> str:
    """Write the AAR/IP of a journal to `out` (returning the path), or return its text."""
    if fmt not in FORMATS:
        raise ReportProblem(f"--format {fmt}: write md or html")
    if out is not None:
        check_writable(out, f"aar.{fmt}")
    aar = gather(journal)
    if fmt == "html":
        text = render_html(aar)
    elif out is None:
        svg = lead_chart_svg(aar.leads).encode()
        text = render_markdown(aar, "data:image/svg+xml;base64," + base64.b64encode(svg).decode())
    else:
        chart = os.path.splitext(out)[0] + ".lead-chart.svg"
        write_text(chart, lead_chart_svg(aar.leads))
        text = render_markdown(aar, os.path.basename(chart))
    if out is None:
        return text
    write_text(out, text)
    return out


def write_text(path: str, text: str) -> None:
    """Write a report file, explaining a failure in a person's terms."""
    with writing(path), open(path, "w", encoding="utf-8") as f:
        f.write(text)
