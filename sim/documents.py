"""The HSEEP planning documents of a scenario: a Situation Manual skeleton, one Exercise
Evaluation Guide (EEG) per objective and a Participant Feedback Form, built from the
scenario file and a default run.

The Situation Manual holds the scope, the objectives with their core capabilities, the
participating agencies, the area (each zone's jurisdiction, whom to consult there, its
neighbours, and where each action counts), the scenario split into modules by time (the
situation as it unfolds when every decision takes its default) and discussion questions
for each agency, drawn from the decisions it faces. Each EEG names the capability, says what will be
measured, which events the journal will hold as evidence, and leaves the P/S/M/U rating
and the notes blank for the evaluator. The feedback form, filled in by every participant
at the hotwash, asks about the seams the exercise rehearses (jurisdiction, consultation,
the lead's handoffs) and about each objective. Blanks a planning team fills in are marked
____.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sim import events as ev
from sim.doc_blocks import (
    BOX,
    Bullets,
    Choices,
    Handout,
    Heading,
    Paragraph,
    Table,
    WritingLines,
    write_handout,
)
from sim.evaluate import filters_of
from sim.msel import default_run, scenario_time
from sim.rating import RATINGS
from sim.scenario import Objective, Scenario
from sim.timeline import (
    bounds_text,
    counted,
    describe,
    filter_text,
    start_of,
    tplus,
    wall,
)
from sim.values import duration_text

MODULES = 3  # at most, split at the longest quiet spells
MODULE_LINES = 30  # events told per module at most
BLANK = "____"
NARRATIVE = ("zone_entered", "incident_left", "inject_delivered", "traffic_started",
             "traffic_ended", "channel_down", "channel_up", "agency_withdrawn",
             "agency_returned")


def write_documents(scenario: Scenario, variant: str, folder: str) -> list[str]:
    """Write the Situation Manual and the EEGs (Markdown and .docx) into `folder`; `variant`
    names the policy the scenario was loaded under ('' for as written)."""
    events = default_run(scenario)
    written = write_handout(situation_manual(scenario, events, variant), folder,
                            "situation-manual")
    for objective in scenario.objectives:
        written += write_handout(evaluation_guide(scenario, objective), folder,
                                 f"eeg-{objective.id}")
    written += write_handout(participant_feedback(scenario), folder, "participant-feedback")
    return written


# ---------------------------------------------------------------------------- Situation Manual


def situation_manual(scenario: Scenario, events: Sequence[ev.Event],
                     variant: str = "") -> Handout:
    """The Situation Manual skeleton, its scenario told by a default run's events."""
    s = scenario
    doc = Handout(f"Situation Manual — {s.title}")
    doc.add(Heading("Exercise overview"), Table(("", ""), (
        ("Exercise name", s.title), ("Scenario", s.id),
        *((("Policy variant", variant),) if variant else ()),
        ("Type", "Discussion-based tabletop exercise (TTX)"),
        ("Date and location", BLANK), ("Sponsor", BLANK),
        ("Scenario start (wall clock)", s.clock.start),
        ("Duration", duration_text(s.clock.duration)),
        ("Point of contact", BLANK))))
    doc.add(Heading("Scope"), Paragraph(_oneline(s.summary) or BLANK),
            Paragraph(f"{counted(len(s.agencies), 'agency', 'agencies')}, "
                      f"{counted(len(s.incidents), 'incident')}, "
                      f"{counted(len(s.injects), 'inject')} and "
                      f"{counted(len(s.decisions), 'decision')} over "
                      f"{duration_text(s.clock.duration)}. The exercise is about who leads, who "
                      "may act and who must be consulted first: jurisdiction, authority and "
                      "deconfliction between the agencies.", label="This exercise"))
    doc.add(Heading("Objectives and core capabilities"), Table(
        ("Objective", "Core capability", "Measured as"),
        tuple((f"{o.id}: {o.text}", o.capability or BLANK, measure_text(o))
              for o in s.objectives)))
    doc.add(Heading("Participating agencies"), Table(
        ("Agency", "Kind", "Authorities", "Jurisdiction"),
        tuple((named(a), a.kind or BLANK,
               ", ".join(_authority_names(s, a.authorities)) or "none",
               ", ".join(z.name or z.id for z in s.zones if a.id in z.jurisdiction) or "none")
              for a in s.agencies)))
    doc.add(*the_area(s))
    doc.add(Heading("Exercise guidelines"), Bullets((
        "This is a no-fault, discussion-based exercise: decisions are made in the open and "
        "their consequences play out, including rules broken along the way.",
        "Respond as your agency would today, with its current authorities and agreements.",
        "A decision not made by its deadline is a decision: the default is taken.",
        f"Assumptions and artificialities: {BLANK}")))
    doc.add(Heading("Scenario"))
    begin = start_of(s.clock.start)
    opened = [e for e in events if isinstance(e, ev.DecisionOpened)]
    told = [e for e in events if e.kind in NARRATIVE]
    for n, (a, b) in enumerate(modules([e.t for e in (*told, *opened)], s.clock.duration), 1):
        doc.add(Heading(f"Module {n}: {tplus(a)} to {tplus(b)} "
                        f"({wall(begin, a)}–{wall(begin, b)})", level=2))
        here = [f"{wall(begin, e.t)} ({tplus(e.t)}) {describe(e)}" for e in told if a <= e.t < b]
        if len(here) > MODULE_LINES:
            here[MODULE_LINES:] = [f"… and {len(here) - MODULE_LINES:,} more events"]
        doc.add(Bullets(tuple(here) or ("(nothing new: discussion continues)",)))
        first: dict[str, ev.DecisionOpened] = {}
        times = Counter(e.decision for e in opened if a <= e.t < b)
        for e in opened:
            if a <= e.t < b:
                first.setdefault(e.decision, e)
        if first:
            prompts = {d.id: d.prompt for d in s.decisions}
            doc.add(Heading("Decisions", level=3), Bullets(tuple(
                f"{wall(begin, e.t)} ({tplus(e.t)}) {e.decision} for {e.cell}: "
                f"{_oneline(prompts[e.decision])}"
                + (f" (opens {times[e.decision]:,} times in this module)"
                   if times[e.decision] > 1 else "") for e in first.values())))
    doc.add(Heading("Discussion questions by agency"))
    for agency in s.agencies:
        faced = [d for d in s.decisions if d.cell == agency.id]
        if faced:
            doc.add(Heading(named(agency), level=2))
        for d in faced:
            doc.add(Paragraph(_oneline(d.prompt), label=d.id), Bullets(tuple(
                o.text + (f" (taken by default after {duration_text(d.deadline)})"
                          if o.id == d.default else "") for o in d.options)))
    return doc


def the_area(s: Scenario) -> tuple:
    """Where each agency may act and whom it must consult first: the zones with their
    jurisdiction, the owners of shared resources and their neighbours, what each action
    affects, and to whom each piece of data may go — the seams, as the players should know
    them before play."""
    def listed(ids, none: str = "—") -> str:
        return ", ".join(ids) or none

    zones = Table(("Zone", "Kind", "Jurisdiction", "Consult before acting on", "Beside it"),
                  tuple((named(z), z.kind, listed(z.jurisdiction, "nobody"),
                         listed(f"{r}: {owner}" for r, owner in z.coordination.items()),
                         listed(z.adjacent)) for z in s.zones))
    actions = Table(("Action", "Affects", "Counts in"), tuple(
        (named(a), listed(a.touches),
         "the zone where it is taken and the zones beside it" if a.spills else
         "the zone where it is taken" + ("; may lawfully be done from outside it" if a.remote
                                         else ""))
        for a in s.actions))
    data = (Paragraph("Data with listed recipients may go only to them; passing it to "
                      "another agency breaks the sharing rule.", label="What may be shared"),
            Table(("Data", "May go to"), tuple(
                (named(d), "anyone" if d.recipients is None else listed(d.recipients, "nobody"))
                for d in s.data))) if s.data else ()
    return (Heading("The area: jurisdiction and whom to consult"), zones,
            Paragraph("Acting on a shared resource needs its owner's deconfliction first, in "
                      "every zone the action counts in.", label="Actions"), actions, *data)


def named(item) -> str:
    """`Border patrol sector (bp-sector)`, or the id alone when the item has no name."""
    return f"{item.name} ({item.id})" if item.name else item.id


def _oneline(text: str) -> str:
    return " ".join(text.split())


def modules(times: Sequence[float], duration: float, count: int = MODULES
            ) -> list[tuple[float, float]]:
    """Split the exercise into up to `count` modules at its longest quiet spells."""
    distinct = sorted({t for t in times if 0 <= t < duration})
    cuts = sorted(range(1, len(distinct)),
                  key=lambda i: (-(distinct[i] - distinct[i - 1]), i))[:count - 1]
    starts = [0.0] + sorted(distinct[i] for i in cuts)
    return list(zip(starts, [*starts[1:], duration], strict=True))


def _authority_names(scenario: Scenario, ids: Sequence[str]) -> list[str]:
    names = {a.id: a.name or a.id for a in scenario.authorities}
    return [names.get(i, i) for i in ids]


# ---------------------------------------------------------------------------- EEGs


def evaluation_guide(scenario: Scenario, objective: Objective) -> Handout:
    """One objective's Exercise Evaluation Guide, its rating and notes left blank."""
    doc = Handout(f"Exercise Evaluation Guide — {objective.id}")
    doc.add(Table(("", ""), (
        ("Exercise", scenario.title), ("Objective", f"{objective.id}: {objective.text}"),
        ("Core capability", objective.capability or BLANK),
        ("Evaluator", BLANK), ("Date", BLANK))))
    doc.add(Heading("What will be measured"), Paragraph(measure_text(objective).capitalize()
                                                        + "."))
    evidence = [f"Every {filter_text(f)} event, with its number (seq) and time: tabletop "
                "report cites these as the objective's evidence." for f in filters_of(objective)]
    evidence += [f"Inject {i.id} ({scenario_time(i.at) if i.at is not None else 'on trigger'}, "
                 f"to {', '.join(i.recipients)}): {i.text}"
                 + (f" Expected action: {i.expected}" if i.expected else "")
                 for i in scenario.injects if objective.id in i.objectives]
    evidence.append(f"Notes and ratings evaluators record against {objective.id} during the "
                    "exercise (in the console, or tabletop rate).")
    doc.add(Heading("Evidence the journal will hold"), Bullets(tuple(evidence)))
    doc.add(Heading("Rating"), Choices(tuple(f"{k} — {v}" for k, v in RATINGS.items())))
    for title in ("Observations and reasons for the rating", "Strengths",
                  "Areas for improvement"):
        doc.add(Heading(title), WritingLines())
    return doc


def measure_text(objective: Objective) -> str:
    """The objective's measure in words."""
    if objective.within:
        w = objective.within
        return (f"the time from the first {filter_text(w.from_)} to the first "
                f"{filter_text(w.to)}; met when it is at most {duration_text(w.limit)}")
    if objective.never is not None:
        return f"whether any {filter_text(objective.never)} happens; met when none does"
    if objective.count is not None:
        c = objective.count
        return (f"how many times {filter_text(c.of)} happens; met when "
                f"{bounds_text(c.at_least, c.at_most)}")
    b = objective.before
    return (f"whether a {filter_text(b.first)} comes before the first {filter_text(b.then)}; "
            f"met when it does, or when no {filter_text(b.then)} happens")


# ---------------------------------------------------------------------------- feedback

ROLES = ("Player", "Controller", "Evaluator", "Facilitator", "Observer")
AGREEMENT = ("1 disagree", "2", "3", "4", "5 agree")
SEAMS = (
    "I know which agency has jurisdiction in each zone of this scenario.",
    "I know whom my agency must consult (coordination, approval) before it acts.",
    "I know how the lead passes from one agency to the next, and who holds it meanwhile.",
    "The channels between agencies worked as they would on a real day.",
    "The injects came at a pace my cell could follow.",
    "The scenario was realistic enough to test our plans and agreements.",
)


def participant_feedback(scenario: Scenario) -> Handout:
    """The Participant Feedback Form: who answers, the seams rated 1 to 5, each objective,
    then strengths, areas for improvement and what the evaluators may have missed."""
    doc = Handout(f"Participant Feedback Form — {scenario.title}", landscape=True)
    doc.add(Table(("", ""), (("Exercise", scenario.title), ("Date", BLANK),
                             ("Name (optional)", BLANK), ("Agency or organization", BLANK))),
            Heading("Your role"), Choices(ROLES),
            Heading("The seams: how far do you agree?"),
            Table(("Statement", *AGREEMENT), tuple((s, *(BOX,) * len(AGREEMENT))
                                                    for s in SEAMS)))
    if scenario.objectives:
        doc.add(Heading("The objectives"), Paragraph(
            "For each: did your cell's part go as planned? What helped, what got in the way?"))
        for objective in scenario.objectives:
            doc.add(Heading(f"{objective.id}: {objective.text}", level=2), WritingLines(2))
    for title in ("Strengths: the three things that went best",
                  "Areas for improvement: the three that most need work, and which agency "
                  "would act on each",
                  "What you saw that the evaluators may have missed"):
        doc.add(Heading(title), WritingLines())
    return doc
