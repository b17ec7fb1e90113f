"""`tabletop docs` writes the HSEEP planning documents from the scenario file: a Situation
Manual skeleton and an Exercise Evaluation Guide per objective, as Markdown and as Word
files that open in python-docx with the expected headings, tables and blanks; and
`tabletop report --format docx` writes the AAR/IP as a Word file."""

import base64
import io
import re

import pytest
from cli_support import refusal, tabletop
from conftest import ROOT, SHARED_EXAMPLE
from docx import Document
from docx.shared import Inches
from matplotlib.figure import Figure
from msel_support import tabletop_ok

from sim import aar_lines
from sim.aar import gather
from sim.aar_docx import aar_handout
from sim.chart import CAPTION
from sim.doc_blocks import Handout, Picture, Table, as_docx, as_markdown
from sim.report import SECTIONS

OBJECTIVES = ["O-1", "O-2", "O-3", "O-4", "O-5"]


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    """The documents of the reference scenario, written once for this module's tests."""
    folder = tmp_path_factory.mktemp("handouts")
    written = tabletop_ok("docs", SHARED_EXAMPLE, "-o", folder).split()
    return folder, written


def headings(path) -> list[str]:
    """The title and headings of a .docx, each prefixed with its level ('0 ', '1 ', …)."""
    return [f"{0 if p.style.name == 'Title' else p.style.name[-1]} {p.text}"
            for p in Document(path).paragraphs
            if p.style.name == "Title" or p.style.name.startswith("Heading")]


def test_docs_writes_a_situation_manual_an_eeg_per_objective_and_a_feedback_form(handouts):
    """Two files per document, Markdown and Word; the command lists them."""
    folder, written = handouts
    stems = ["situation-manual", *(f"eeg-{o}" for o in OBJECTIVES), "participant-feedback"]
    assert written == [str(folder / f"{s}.{x}") for s in stems for x in ("md", "docx")]
    assert all((folder / f"{s}.{x}").stat().st_size > 0 for s in stems for x in ("md", "docx"))


def test_situation_manual_has_the_hseep_sections(handouts):
    """Overview, scope, objectives with capabilities, agencies, guidelines, the scenario in
    modules, and discussion questions for the one agency that faces decisions."""
    folder, _ = handouts
    found = headings(folder / "situation-manual.docx")
    assert [h for h in found if h[0] in "01"] == [
        "0 Situation Manual — Watcher across the river", "1 Exercise overview", "1 Scope",
        "1 Objectives and core capabilities", "1 Participating agencies",
        "1 The area: jurisdiction and whom to consult", "1 Exercise guidelines", "1 Scenario",
        "1 Discussion questions by agency"]
    assert found[-1] == "2 Border patrol sector (bp-sector)"
    tables = Document(folder / "situation-manual.docx").tables
    objectives = [[c.text for c in row.cells] for row in tables[1].rows]
    assert objectives[0] == ["Objective", "Core capability", "Measured as"]
    assert objectives[1][:2] == ["O-1: A lead agency is named within 10 minutes of first "
                                 "detection.", "Operational Coordination"]
    assert objectives[2][1] == "____"  # O-2 names no capability: the planners fill it in
    agencies = [row.cells[0].text for row in tables[2].rows][1:]
    assert agencies[0] == "Border patrol sector (bp-sector)" and len(agencies) == 6


def test_the_area_says_who_holds_jurisdiction_whom_to_consult_and_what_each_action_affects(
        handouts):
    """Each zone with its jurisdiction, the owners of its shared resources and its
    neighbours; each action with what it touches and where that counts."""
    folder, _ = handouts
    tables = Document(folder / "situation-manual.docx").tables
    zones = [[c.text for c in row.cells] for row in tables[3].rows]
    assert zones[0] == ["Zone", "Kind", "Jurisdiction", "Consult before acting on", "Beside it"]
    assert zones[1:] == [
        ["Partner territory, across the river (far-bank)", "foreign", "partner-guard", "—",
         "sector-7"],
        ["Border sector 7 (sector-7)", "border-strip", "bp-sector, task-force", "—",
         "far-bank, county-town"],
        ["County town (county-town)", "urban", "county-sheriff, bp-sector",
         "airspace: aviation-authority, spectrum: aviation-authority", "sector-7"]]
    actions = [[c.text for c in row.cells] for row in tables[4].rows]
    assert actions[1:] == [
        ["observe", "—", "the zone where it is taken; may lawfully be done from outside it"],
        ["warn", "—", "the zone where it is taken"],
        ["disrupt", "airspace, spectrum", "the zone where it is taken"]]


def test_documents_for_a_variant_name_it_and_show_its_authorities(tmp_path):
    """`docs --variant era-a`: the overview names the variant, and the border agency holds
    the authorities it has under it (no mitigation before the FY2026 act)."""
    band = ROOT / "scenarios" / "quiet-on-the-shared-band.yaml"
    tabletop_ok("docs", band, "--variant", "era-a", "-o", tmp_path / "era-a")
    tabletop_ok("docs", band, "-o", tmp_path / "today")
    era_a, today = ((tmp_path / f / "situation-manual.md").read_text() for f in ("era-a", "today"))
    assert "| Policy variant | era-a |" in era_a and "Policy variant" not in today
    assert "| federal | watch, policing | Border strip" in era_a
    assert "| federal | watch, policing, border-mitigation | Border strip" in today


def test_the_situation_manual_says_to_whom_each_piece_of_data_may_go(tmp_path):
    folder = tmp_path / "patrol"
    tabletop_ok("docs", ROOT / "scenarios" / "mirror-patrol.yaml", "-o", folder)
    text = (folder / "situation-manual.md").read_text()
    assert ("| Our sensors' raw track feed (raw-feed) | border-agency, sector-hq, task-force |"
            in text)


def test_an_action_that_spills_counts_in_the_zones_beside_it_in_the_situation_manual(tmp_path):
    folder = tmp_path / "band"
    tabletop_ok("docs", ROOT / "scenarios" / "quiet-on-the-shared-band.yaml", "-o", folder)
    text = (folder / "situation-manual.md").read_text()
    assert "| disrupt | spectrum | the zone where it is taken and the zones beside it |" in text


def test_the_scenario_is_split_into_modules_that_cover_the_exercise(handouts):
    """At most three modules, back to back from T+0m to the end at T+2h00m."""
    folder, _ = handouts
    spans = [re.match(r"2 Module (\d): (T\+\S+) to (T\+\S+) ", h).groups()
             for h in headings(folder / "situation-manual.docx") if h.startswith("2 Module")]
    assert [n for n, _, _ in spans] == ["1", "2", "3"]
    assert spans[0][1] == "T+0m" and spans[-1][2] == "T+2h00m"
    assert all(spans[i][2] == spans[i + 1][1] for i in range(len(spans) - 1))


def test_discussion_questions_come_from_the_agencys_decisions(handouts):
    """Each decision of bp-sector is a question, its options listed, the default marked."""
    folder, _ = handouts
    text = (folder / "situation-manual.md").read_text()
    questions = text.split("## Discussion questions by agency")[1]
    assert "**D-1:** The contact is over partner territory. What does the sector do?" in questions
    assert "- Keep watching and inform the partner through the liaison. (taken by default " \
           "after 10m)" in questions
    assert "**D-2:** The contact is over the town" in questions


def test_each_eeg_names_its_capability_measure_evidence_and_leaves_the_rating_blank(handouts):
    """O-1's guide: the capability, the limit measured, the events the journal will hold,
    the inject that serves it, four unticked ratings and room for notes."""
    folder, _ = handouts
    path = folder / "eeg-O-1.docx"
    assert headings(path) == [
        "0 Exercise Evaluation Guide — O-1", "1 What will be measured",
        "1 Evidence the journal will hold", "1 Rating",
        "1 Observations and reasons for the rating", "1 Strengths", "1 Areas for improvement"]
    doc = Document(path)
    facts = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert facts["Core capability"] == "Operational Coordination"
    assert facts["Evaluator"] == "____"
    lines = [p.text for p in doc.paragraphs]
    assert "The time from the first 'detected' (incident watcher) to the first " \
           "'lead_assigned' (incident watcher); met when it is at most 10m." in lines
    assert any(line.startswith("Every 'lead_assigned' (incident watcher) event") for line in lines)
    assert any(line.startswith("Inject M-02 (T+12m, to bp-sector)") for line in lines)
    assert [line for line in lines if line.startswith("☐")] == [
        "☐  P — Performed without challenges", "☐  S — Performed with some challenges",
        "☐  M — Performed with major challenges", "☐  U — Unable to be performed"]


def test_the_feedback_form_asks_about_the_seams_and_each_objective(handouts):
    """Who answers (role ticked), each seam rated 1 to 5 in tick boxes, a subsection per
    objective, then strengths, areas for improvement and what the evaluators missed."""
    folder, _ = handouts
    path = folder / "participant-feedback.docx"
    found = headings(path)
    assert found[0] == "0 Participant Feedback Form — Watcher across the river"
    assert [h[2:5] for h in found if h[0] == "2"] == OBJECTIVES
    assert [h[2:] for h in found if h[0] == "1"] == [
        "Your role", "The seams: how far do you agree?", "The objectives",
        "Strengths: the three things that went best",
        "Areas for improvement: the three that most need work, and which agency would act "
        "on each", "What you saw that the evaluators may have missed"]
    document = Document(path)
    seams = document.tables[1]
    assert [c.text for c in seams.rows[0].cells] == ["Statement", "1 disagree", "2", "3", "4",
                                                     "5 agree"]
    assert len(seams.rows) == 7 and all(
        [c.text for c in row.cells][1:] == ["☐"] * 5 for row in seams.rows[1:])
    assert "jurisdiction" in seams.rows[1].cells[0].text
    roles = [p.text for p in document.paragraphs if p.text.startswith("☐")]
    assert roles == ["☐  Player", "☐  Controller", "☐  Evaluator", "☐  Facilitator",
                     "☐  Observer"]


@pytest.mark.parametrize("stem", ["situation-manual", "eeg-O-5", "participant-feedback"])
def test_markdown_and_word_have_the_same_headings(handouts, stem):
    """One content, two renderers: the Markdown's headings are the Word file's."""
    folder, _ = handouts
    markdown = [f"{len(m.group(1)) - 1} {m.group(2)}" for m in
                re.finditer(r"^(#+) (.*)$", (folder / f"{stem}.md").read_text(), re.M)]
    assert markdown == headings(folder / f"{stem}.docx")


def test_a_folder_that_cannot_be_written_is_refused(tmp_path):
    """-o naming a file, not a folder: exit 2 with the fix."""
    blocker = tmp_path / "taken"
    blocker.write_text("")
    message = refusal(tabletop("docs", SHARED_EXAMPLE, "-o", blocker))
    assert f"cannot write {blocker}" in message and "choose another folder with -o" in message


def test_the_aar_ip_as_word_has_every_section_of_the_report(tmp_path):
    """`tabletop report --format docx -o aar.docx`: the Markdown report's sections, in its
    order, an objective per subsection with its proposed and evaluator's rating."""
    journal = tmp_path / "ex.sqlite"
    tabletop_ok("run", SHARED_EXAMPLE, "--journal", journal)
    tabletop_ok("rate", journal, "O-1", "S", "--by", "J. Evaluator", "--why", "named late")
    tabletop_ok("report", journal, "--format", "docx", "-o", tmp_path / "aar.docx")
    found = headings(tmp_path / "aar.docx")
    assert found[0] == "0 After-Action Report / Improvement Plan: Watcher across the river"
    assert [h[2:] for h in found if h[0] == "1"] == [title for _, title in SECTIONS]
    assert [h[2:5] for h in found if h[0] == "2"][1:] == OBJECTIVES  # after the agencies
    facts = {row.cells[0].text: row.cells[1].text
             for row in Document(tmp_path / "aar.docx").tables[2].rows}
    assert facts["Evaluator's rating"] == "S overridden by J. Evaluator: “named late”"


def test_the_aar_ip_as_word_shows_who_led_as_the_chart_then_the_first_spans(tmp_path,
                                                                             monkeypatch):
    """The reports' lead chart as a picture that fits the landscape page, its caption, then
    the spans as a table: the first LISTED of them, and how many there are, like every
    long list of the reports (a year listed all 33,523 and took minutes to write)."""
    journal = tmp_path / "ex.sqlite"
    tabletop_ok("run", SHARED_EXAMPLE, "--journal", journal)
    everything = aar_handout(gather(str(journal)))
    monkeypatch.setattr(aar_lines, "LISTED", 1)
    written = tmp_path / "aar.docx"
    as_docx(aar_handout(gather(str(journal)))).save(written)
    document = Document(written)
    [chart] = document.inline_shapes
    page = document.sections[0]
    assert page.page_width > page.page_height  # landscape
    assert chart.width <= page.page_width - page.left_margin - page.right_margin
    assert chart.height <= page.page_height - page.top_margin - page.bottom_margin
    assert [p.text for p in document.paragraphs if p.style.name == "Caption"] == [CAPTION]
    spans = next(b for b in everything.blocks if isinstance(b, Table)
                 and b.headers == ("Incident", "Lead", "From", "To"))
    [listed] = [t for t in document.tables if t.rows[0].cells[0].text == "Incident"
                and t.rows[0].cells[1].text == "Lead"]
    assert [[c.text for c in row.cells] for row in listed.rows] == [list(spans.headers),
                                                                   list(spans.rows[0])]
    assert len(spans.rows) > 1 and any(
        p.text.startswith(f"The first 1 of {len(spans.rows)} lead spans and gaps are listed")
        for p in document.paragraphs)


def test_a_picture_fits_the_page_and_goes_into_the_markdown_too(tmp_path):
    """A picture wider than the page is shrunk to its text area, keeping its shape; one that
    fits keeps its size; Markdown carries it as a data URI, with its caption as the text."""
    image = _tiny_png()
    handout = Handout("Pictures", [Picture(image, (30.0, 10.0), "wide"),
                                   Picture(image, (2.0, 1.0), "small")])
    handout_file = tmp_path / "pictures.docx"
    as_docx(handout).save(handout_file)
    wide, small = Document(handout_file).inline_shapes
    page = Document(handout_file).sections[0]
    assert wide.width == page.page_width - page.left_margin - page.right_margin
    assert abs(wide.height / wide.width - 1 / 3) < 1e-3
    assert (small.width, small.height) == (Inches(2.0), Inches(1.0))
    markdown = as_markdown(handout)
    assert f"![wide](data:image/png;base64,{base64.b64encode(image).decode()})" in markdown


def _tiny_png() -> bytes:
    """A one-pixel PNG, drawn by matplotlib (no file needed)."""
    out = io.BytesIO()
    Figure(figsize=(1, 1), dpi=1).savefig(out, format="png")
    return out.getvalue()


def test_the_aar_ip_as_word_needs_a_file_to_go_to(tmp_path):
    """A Word file cannot go to the terminal: exit 2 with the fix."""
    journal = tmp_path / "ex.sqlite"
    tabletop_ok("run", SHARED_EXAMPLE, "--journal", journal)
    assert "--format docx writes a Word file: add -o aar.docx" in refusal(
        tabletop("report", journal, "--format", "docx"))
