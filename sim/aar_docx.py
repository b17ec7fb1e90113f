"""The AAR/IP as a Word document (.docx), from `sim.aar`'s data, for evaluators to edit.

It has the sections of the Markdown and HTML reports, in their order and under their
headings (`sim.report.SECTIONS`), built as a `sim.doc_blocks.Handout` and written through
python-docx. Who led each incident is the reports' chart, as a PNG (python-docx places no
SVG), then the spans it draws as a table, the first `sim.aar_lines.LISTED` of them like every
long list of the reports.
"""

from __future__ import annotations

from sim.aar import gather
from sim.aar_lines import HELD_INJECTS, AfterAction, Listed
from sim.chart import CAPTION, lead_chart_png
from sim.doc_blocks import Bullets, Handout, Heading, Paragraph, Picture, Table, as_docx
from sim.outputs import check_writable, writing
from sim.rating import RATINGS, RULE
from sim.report import SECTIONS
from sim.report import _minutes as minutes
from sim.timeline import tplus

HEADINGS = dict(SECTIONS)


def write_docx(journal: str, out: str) -> str:
    """Write the AAR/IP of a journal to `out` as a Word document; its path."""
    check_writable(out, "aar.docx")
    document = as_docx(aar_handout(gather(journal)))
    with writing(out):
        document.save(out)
    return out


def aar_handout(aar: AfterAction) -> Handout:
    """The AAR/IP's sections as blocks, in the reports' order."""
    o = aar.overview
    doc = Handout(f"After-Action Report / Improvement Plan: {o.title}", landscape=True)
    doc.add(Paragraph(f"Draft for the evaluators — tabletop exercise {o.scenario_id}, "
                      f"{o.date}, seed {o.seed}."))
    doc.add(Heading(HEADINGS["overview"]))
    if o.summary:
        doc.add(Paragraph(" ".join(o.summary.split())))
    facts = [("Exercise name", f"{o.title} ({o.scenario_id})"),
             ("Exercise date", f"{o.date}, starting {o.start} (scenario clock)"),
             ("Duration", f"{o.played} played of {o.planned} planned; {o.status}")]
    facts += [("Policy variant", o.variant)] if o.variant else []
    facts += [("Seed", f"{o.seed} (the same seed and commands replay the same exercise)"),
              ("Journal", f"{o.journal}, conducted {o.conducted}, tabletop {o.version}")]
    doc.add(Table(("", ""), tuple(facts)),
            Heading("Participating organizations", level=2),
            Table(("Agency", "Name", "Kind"), tuple(o.agencies)))
    doc.add(Heading(HEADINGS["objectives"]))
    for ob in aar.objectives:
        evidence = "; ".join(f"#{m.seq} {m.wall} {m.tplus} {m.text}" for m in ob.evidence)
        more = f"; … and {ob.more_evidence} more" if ob.more_evidence else ""
        doc.add(Heading(f"{ob.id}: {ob.text}", level=2), Table(("", ""), (
            ("Core capability", ob.capability or "—"),
            ("Result", f"{'Met' if ob.met else 'Not met'}: {ob.detail}"),
            ("Evidence", (evidence or "—") + more),
            ("Proposed rating", f"{ob.proposed.rating} {RATINGS[ob.proposed.rating]}: "
                                f"{ob.proposed.why}"),
            ("Evaluator's rating", _rated(ob)),
            ("Evaluator notes", "; ".join(f"{n.text} — {n.author}" for n in ob.notes) or "—"))))
    doc.add(Heading(HEADINGS["seams"]), Bullets(tuple(
        f"{s.moment.wall} {s.moment.tplus} — "
        + ("Lead gap" if s.kind == "lead gap" else f"Violation ({s.rule})")
        + f" on {s.incident} in {s.zone}" + (f" by {s.agency}" if s.agency else "")
        + f": {s.detail}. Lead at the time: {s.lead}. Before it: "
        + ("; ".join(f"{c.wall} {c.tplus} {c.text}" for c in s.context) or "—")
        for s in aar.seams.items) or ("No violation and no lead gap: every seam held.",)))
    _more(doc, aar.seams, "violations and lead gaps")
    spans = Listed.of(sorted([(s, "lead") for s in aar.leads.leads]
                             + [(s, "gap") for s in aar.leads.gaps],
                             key=lambda pair: (pair[0].incident, pair[0].start)))
    png, size = lead_chart_png(aar.leads)
    doc.add(Heading(HEADINGS["leads"]), Picture(png, size, CAPTION),
            Table(("Incident", "Lead", "From", "To"), tuple(
                (s.incident, s.who if kind == "lead" else f"LEAD GAP in {s.who}",
                 tplus(s.start), tplus(s.end)) for s, kind in spans.items)))
    _more(doc, spans, "lead spans and gaps")
    doc.add(Heading(HEADINGS["decisions"]), Table(
        ("Decision", "Player cell", "Opened", "Decided", "Option taken", "By",
         "Took / deadline"),
        tuple((f"{d.id}: {' '.join(d.prompt.split())}", d.cell, d.opened, d.decided,
               f"{d.option} {d.option_text}", d.decided_by,
               f"{minutes(d.took)} of {minutes(d.deadline)}") for d in aar.decisions.items)))
    _more(doc, aar.decisions, "decisions")
    doc.add(Heading(HEADINGS["exchanges"]), Table(
        ("Requested", "Kind", "Incident", "Asked by", "Asked of", "About", "Outcome", "Waited"),
        tuple((f"{x.requested.wall} {x.requested.tplus}", x.kind, x.incident, x.asked_by,
               x.asked_of, x.about, x.outcome, minutes(x.waited))
              for x in aar.exchanges.items)))
    _more(doc, aar.exchanges, "requests")
    doc.add(Heading(HEADINGS["msel"]), Table(
        ("Delivered", "Inject", "To", "Text", "Expected player action"),
        tuple((f"{m.wall} {m.tplus}", i.inject + (" (ad hoc)" if i.inject.startswith("X-")
                                                  else ""),
               ", ".join(i.to), i.text, expected or "—") for m, i, expected in aar.injects.items)))
    _more(doc, aar.injects, "injects")
    if aar.held:
        doc.add(Paragraph(HELD_INJECTS), Bullets(tuple(h.sentence for h in aar.held)))
    doc.add(Heading(HEADINGS["timeline"]), Table(("#", "Clock", "T+", "What happened"), tuple(
        (str(m.seq), m.wall, m.tplus, m.text) for m in aar.timeline.items)))
    _more(doc, aar.timeline, "events")
    doc.add(Heading(HEADINGS["notes"]), Bullets(tuple(
        [f"{m.wall} {m.tplus} {n.text} — {n.author}" for m, n in aar.notes]
        + [f"{r.by} rated {r.objective} {r.rating} ({RATINGS[r.rating]})"
           + (f": “{r.why}”" if r.why else "") for _, r in aar.ratings])
        or ("No general notes (notes filed against an objective appear with it).",)))
    doc.add(Heading(HEADINGS["plan"]), Table(
        ("Issue / area for improvement", "Core capability", "Corrective action",
         "Responsible agency", "Due date"),
        tuple((p.issue, p.capability, p.corrective_action, p.responsible_agency, p.due)
              for p in aar.plan)))
    doc.add(Heading(HEADINGS["rule"]), Bullets(tuple(
        f"{r} — {RATINGS[r]}: {when}." if r else when for r, when in RULE)))
    return doc


def _rated(ob) -> str:
    """The evaluator's rating, confirming or overriding the proposed one."""
    if ob.rated is None:
        return "not yet rated"
    how = "confirmed" if ob.rated.rating == ob.proposed.rating else "overridden"
    return f"{ob.rated.rating} {how} by {ob.rated.by}" + (f": “{ob.rated.why}”"
                                                          if ob.rated.why else "")


def _more(doc: Handout, listed: Listed, what: str) -> None:
    """Say how much of a long list was left out."""
    if listed.more:
        doc.add(Paragraph(f"The first {len(listed.items)} of {listed.total} {what} are listed; "
                          "tabletop export JOURNAL prints every event."))
