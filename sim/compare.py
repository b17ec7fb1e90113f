"""Two runs side by side: objectives, violations, lead gaps, decisions, and where they part.

`compare(a, b)` reads two journals (typically an exercise and its fork, `sim.fork`) and
returns a `Comparison` as data, for the console's review mode; `render_text` prints it
in two columns for the room and `render_html` writes it as a self-contained page with
both lead charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sim import events as ev
from sim.aar import gather
from sim.aar_lines import AfterAction, Moment
from sim.chart import lead_chart_svg
from sim.journal import Journal
from sim.loader import load_scenario_text
from sim.report import HTML
from sim.timeline import counted, describe, start_of, tplus, wall


@dataclass(frozen=True)
class Row:
    """One line of the comparison: a name and what each run says about it."""

    name: str
    a: str
    b: str

    @property
    def differs(self) -> bool:
        return self.a != self.b


@dataclass(frozen=True)
class Divergence:
    """The first event where the runs part (None on a side that has no such event)."""

    seq: int
    a: Moment | None
    b: Moment | None


@dataclass(frozen=True)
class Comparison:
    a: AfterAction
    b: AfterAction
    objectives: list[Row]
    violations: list[Row]
    lead_gaps: list[Row]
    decisions: list[Row]
    divergence: Divergence | None
    same_scenario: bool


def compare(a: str, b: str) -> Comparison:
    """Compare the exercises journaled at `a` and `b`."""
    left, right = gather(a), gather(b)
    (text_a, events_a), (text_b, events_b) = _read(a), _read(b)
    objectives = _rows(_results(left), _results(right))
    violations = _rows(_count_rules(left), _count_rules(right), "0")
    gaps = _rows(_gap_minutes(left), _gap_minutes(right), "none")
    decisions = _rows({d.id: f"{d.option} ({d.by})" for d in left.decisions.items},
                      {d.id: f"{d.option} ({d.by})" for d in right.decisions.items})
    begin = start_of(load_scenario_text(text_a, a).clock.start)
    return Comparison(left, right, objectives, violations, gaps, decisions,
                      _divergence(events_a, events_b, begin), text_a == text_b)


def _read(path: str) -> tuple[str, list[ev.Event]]:
    journal = Journal.open(path, readonly=True)
    try:
        return journal.scenario_text, journal.events()
    finally:
        journal.close()


def _results(aar: AfterAction) -> dict[str, str]:
    return {o.id: f"{'met' if o.met else 'NOT MET'} ({o.proposed.rating})"
            for o in aar.objectives}


def _rows(a: dict[str, str], b: dict[str, str], absent: str = "—") -> list[Row]:
    names = list(dict.fromkeys([*a, *b]))
    return [Row(n, a.get(n, absent), b.get(n, absent)) for n in names]


def _count_rules(aar: AfterAction) -> dict[str, str]:
    return {rule: str(n) for rule, n in aar.violations.items()}


def _gap_minutes(aar: AfterAction) -> dict[str, str]:
    """Lead gaps per incident and zone: how many, and for how long in all."""
    spans: dict[str, list[float]] = {}
    for gap in aar.leads.gaps:
        spans.setdefault(f"{gap.incident} in {gap.who}", []).append(gap.end - gap.start)
    return {k: f"{counted(len(v), 'gap')}, {sum(v):.1f} min" for k, v in spans.items()}


def _divergence(a: list[ev.Event], b: list[ev.Event], begin: datetime) -> Divergence | None:
    """The first position where the two runs' events differ (or one runs out)."""

    def moment(e: ev.Event | None) -> Moment | None:
        return None if e is None else Moment(e.seq, e.t, wall(begin, e.t), tplus(e.t),
                                             describe(e), e.kind)

    for n in range(max(len(a), len(b))):
        x, y = (a[n] if n < len(a) else None), (b[n] if n < len(b) else None)
        if x is None or y is None or (x.t, x.kind, ev.encode(x)) != (y.t, y.kind, ev.encode(y)):
            return Divergence(n + 1, moment(x), moment(y))
    return None


def render_text(c: Comparison) -> str:
    """The comparison in two columns, for a terminal."""
    lines = [f"Comparing {c.a.overview.journal} (A) with {c.b.overview.journal} (B)"]
    if not c.same_scenario:
        lines.append("  note: the two journals hold different scenario texts")
    for title, rows in (("Objectives", c.objectives), ("Violations by rule", c.violations),
                        ("Lead gaps", c.lead_gaps), ("Decisions", c.decisions)):
        name = max([len(title) - 4] + [len(r.name) for r in rows])
        left = max([1] + [len(r.a) for r in rows])
        lines += ["", f"{title:<{name + 4}} {'A':<{left}}   B"]
        lines += [f"  {'*' if r.differs else ' '} {r.name:<{name}} {r.a:<{left}}   {r.b}"
                  for r in rows] or ["    (none in either run)"]
    lines.append("")
    d = c.divergence
    if d is None:
        lines.append("The timelines are identical, event for event.")
    else:
        lines.append(f"The timelines part at event #{d.seq}:")
        for side, m in (("A", d.a), ("B", d.b)):
            lines.append(f"  {side}: " + (f"{m.wall} {m.tplus}  {m.text}" if m else
                                          "(no such event: this run ends before)"))
    lines.append("(* marks a line where the runs differ)")
    return "\n".join(lines)


def render_html(c: Comparison) -> str:
    """The comparison as a self-contained HTML page with both lead charts."""
    return HTML.get_template("compare.html.j2").render(
        c=c, chart_a=lead_chart_svg(c.a.leads, salt="A"),
        chart_b=lead_chart_svg(c.b.leads, salt="B"))
