"""The AAR/IP of a journal, in Markdown and HTML: every section, every objective and
violation named, the HTML well-formed and self-contained, people's text escaped."""

import re
import xml.etree.ElementTree as ET

import pytest
from cli_support import refusal, tabletop
from conftest import DECISION_AT_THE_LINE, LIBRARY, SHARED_EXAMPLE, cycles_left_by, world
from docx import Document
from library_support import DAY
from typer.testing import CliRunner

from sim import commands as cmd
from sim import events as ev
from sim.aar_docx import write_docx
from sim.cli import app
from sim.engine import Exercise
from sim.headless import play_out
from sim.inbox import seat_author
from sim.journal import Journal
from sim.loader import load_scenario_text
from sim.report import SECTIONS, write_report

SCENARIOS = LIBRARY + ([SHARED_EXAMPLE] if SHARED_EXAMPLE.exists() else [])
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def journal_of(path, text: str, policy=None, moves=()) -> str:
    """Run a scenario into a journal, submitting (sim time, command) moves: to the end, or
    for its first day when it is a months-long analysis scenario."""
    exercise = Exercise(load_scenario_text(text, "s.yaml"), 3, Journal.create(str(path), text, 3))
    for t, command in moves:
        exercise.advance_to(t)
        exercise.submit(command)
    play_out(exercise, policy, until=DAY)
    exercise.journal.close()
    return str(path)


def last_option(scenario):
    """A policy that takes every decision's last option — often the one that breaks a rule."""
    last = {d.id: d.options[-1].id for d in scenario.decisions}  # per incident, too
    return lambda opened: last[opened.decision]


def parsed(html: str) -> ET.Element:
    """The page as XML: a page that does not parse is not well-formed."""
    return ET.fromstring(html)


def text_of(root: ET.Element) -> str:
    return " ".join(" ".join(root.itertext()).split())


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def aar(request, tmp_path_factory):
    """(scenario, events, markdown, html) for a run of one bundled scenario."""
    text = request.param.read_text()
    scenario = load_scenario_text(text, str(request.param))
    path = journal_of(tmp_path_factory.mktemp("aar") / "ex.sqlite", text, last_option(scenario))
    journal = Journal.open(path, readonly=True)
    events = journal.events()
    journal.close()
    return scenario, events, write_report(path, "md"), write_report(path, "html")


def test_every_section_is_in_both_formats(aar):
    """Each AAR/IP section has its heading in the Markdown and the HTML."""
    _, _, markdown, html = aar
    headings = [text_of(h) for h in parsed(html).iter("h2")]
    for _, heading in SECTIONS:
        assert f"\n## {heading}\n" in markdown
        assert heading in headings


def test_every_objective_and_violation_is_named(aar):
    """Each objective (id and text) and each violation's detail appear in both formats."""
    scenario, events, markdown, html = aar
    page = text_of(parsed(html))
    for objective in scenario.objectives:
        assert f"**{objective.id}** {objective.text}" in markdown
        assert f"{objective.id} {objective.text}" in page
    violations = [e for e in events if isinstance(e, ev.Violation)]
    for violation in violations:
        assert violation.detail in markdown
        assert f"Violation ({violation.rule})" in page and violation.detail in page


def test_the_html_is_self_contained(aar):
    """No element loads anything from outside the file: no script, link, or remote src/href;
    the lead chart is inline SVG."""
    html = aar[3]
    root = parsed(html)
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "link", "iframe", "img", "object", "embed"}
    assert "svg" in tags
    for element in root.iter():
        for name in ("src", "href", XLINK_HREF):
            value = element.get(name, "")
            assert not value.startswith(("http:", "https:", "//")), (element.tag, value)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)  # url(#id) is inside


def test_the_markdown_carries_its_chart_as_a_data_uri_on_stdout(aar):
    """Printed to stdout, the Markdown embeds the lead chart, so it needs no other file."""
    assert "](data:image/svg+xml;base64," in aar[2]


def test_text_from_people_is_escaped(tmp_path):
    """A note, an ad-hoc inject and a rating reason holding markup stay text in both formats."""
    path = journal_of(tmp_path / "ex.sqlite", world(), moves=[
        (10.0, cmd.Note(text='<script>alert("note")</script>', author="<b>eve</b>")),
        (12.0, cmd.AdHocInject(to=("bp",), text="<img src=x onerror=alert(1)> | a pipe")),
    ])
    html, markdown = write_report(path, "html"), write_report(path, "md")
    root = parsed(html)
    assert not {e.tag for e in root.iter()} & {"script", "img", "b"}
    assert "&lt;script&gt;alert(&#34;note&#34;)&lt;/script&gt;" in html
    assert '<script>alert("note")</script>' in text_of(root)
    assert "<script" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;" in markdown and "\\| a pipe" in markdown


HELD_MSEL = """
injects:
  - {id: M-1, at: 10m, to: bp, text: Agents report a light over the river.}
  - {id: M-2, at: 20m, to: bp, text: The light moves toward town.}
  - {id: M-3, at: 25m, to: bp, text: The light is gone.}
"""


def test_injects_the_controller_held_are_named_in_every_format(tmp_path):
    """M-1 held and fired by hand later, M-2 held and never delivered, M-3 held for 24
    minutes, with a reason, so released after its time (and delivered then): the MSEL
    section of the Markdown, HTML and Word AAR/IP says so, with the clock of each."""
    path = journal_of(tmp_path / "ex.sqlite", world(HELD_MSEL), moves=[
        (5.0, cmd.HoldInject(inject="M-1")), (6.0, cmd.HoldInject(inject="M-2")),
        (7.0, cmd.HoldInject(inject="M-3", why="the players are on it", **{"for": "24m"})),
        (30.0, cmd.FireInject(inject="M-1"))])
    said = ["M-1 held at 02:05 T+5m; fired by hand at 02:30 T+30m",
            "M-2 held at 02:06 T+6m; never delivered",
            "M-3 held at 02:07 T+7m for 24m (the players are on it); released at 02:31 T+31m; "
            "delivered at 02:31 T+31m"]
    markdown = write_report(path, "md")
    msel = markdown.split("## Injects delivered (MSEL)")[1].split("\n## ")[0]
    assert [f"- {s}" for s in said] == [line for line in msel.splitlines()
                                        if line.startswith("- ")]
    assert "Held by the controller, so that they did not fire by themselves:" in msel
    section = next(s for s in parsed(write_report(path, "html")).iter("section")
                   if s.get("id") == "msel")
    assert [text_of(li) for li in section.iter("li")] == said
    write_docx(path, str(tmp_path / "aar.docx"))
    bullets = [p.text for p in Document(tmp_path / "aar.docx").paragraphs
               if p.style.name == "List Bullet"]
    assert all(s in bullets for s in said)


def test_report_writes_files_and_the_markdown_chart_beside_it(tmp_path):
    """`-o aar.md` writes aar.md and aar.lead-chart.svg, which the Markdown links to."""
    path = journal_of(tmp_path / "ex.sqlite", world())
    runner = CliRunner()
    md = runner.invoke(app, ["report", path, "-o", str(tmp_path / "aar.md")])
    html = runner.invoke(app, ["report", path, "--format", "html", "-o", str(tmp_path / "a.html")])
    assert md.exit_code == html.exit_code == 0, (md.output, html.output)
    assert "](aar.lead-chart.svg)" in (tmp_path / "aar.md").read_text()
    assert (tmp_path / "aar.lead-chart.svg").read_text().startswith("<svg")
    assert parsed((tmp_path / "a.html").read_text()).tag == "html"


def test_report_refuses_an_unknown_format_and_a_missing_journal(tmp_path):
    """--format pdf and a journal that is not there both exit 2 with the fix."""
    path = journal_of(tmp_path / "ex.sqlite", world())
    assert "write md or html" in refusal(tabletop("report", path, "--format", "pdf"))
    assert "no such journal" in refusal(tabletop("report", tmp_path / "nope.sqlite"))


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_report_to_a_place_it_cannot_be_written_is_refused_before_anything_is_written(
        tmp_path, fmt):
    """`-o` in a folder that is not there, or naming a folder: one line that names the file
    asked for (not the chart beside it) and the fix, exit 2, and no file left behind."""
    path = journal_of(tmp_path / "ex.sqlite", world())
    before = sorted(tmp_path.iterdir())
    missing = refusal(tabletop("report", path, "--format", fmt, "-o",
                               tmp_path / "reports" / f"aar.{fmt}"))
    assert missing.strip() == (f"tabletop: cannot write {tmp_path / 'reports' / f'aar.{fmt}'}: "
                               f"the folder {tmp_path / 'reports'} does not exist — create it "
                               "first, or choose another file")
    folder = refusal(tabletop("report", path, "--format", fmt, "-o", tmp_path))
    assert f"it is a folder — name a file in it, e.g. {tmp_path / f'aar.{fmt}'}" in folder
    assert sorted(tmp_path.iterdir()) == before


def test_gathering_the_aar_makes_no_reference_cycles(tmp_path):
    """`gather` pauses Python's cyclic collector for speed (`sim.collector`), which is only
    sound while reading the journal and assembling the AAR/IP leave no cycles behind."""
    year = next(p for p in SCENARIOS if p.stem == "year-along-the-border")
    text = year.read_text()
    path = journal_of(tmp_path / "year.sqlite", text, last_option(load_scenario_text(text, "y")))
    assert cycles_left_by(setup="from sim.aar import gather",
                          work=f"assert gather({path!r}).seams.total > 0") == 0


def test_a_player_cell_s_note_from_its_seat_is_among_the_notes_of_the_room(tmp_path):
    """What a cell wrote at its seat reaches the AAR/IP by its cell's name, beside the
    evaluators' and controllers' notes."""
    path = journal_of(tmp_path / "ex.sqlite", world(HELD_MSEL), moves=[
        (12.0, cmd.Note(text="Who leads over the strip?", author=seat_author("bp"))),
        (14.0, cmd.Note(text="bp asked who leads", author="evaluator"))])
    notes = write_report(path, "md").split("## Notes: evaluators, controllers and player "
                                           "cells")[1].split("\n## ")[0]
    assert [line for line in notes.splitlines() if line.startswith("- ")] == [
        "- 02:12 T+12m Who leads over the strip? — bp (player cell)",
        "- 02:14 T+14m bp asked who leads — evaluator"]



def test_a_choice_made_at_a_player_cells_seat_is_said_to_be_in_every_format(tmp_path):
    """D-1 taken at bp's own seat: the decisions section of the Markdown, HTML and Word
    AAR/IP says so; the same choice entered at the console is only "a player"'s."""
    def decided(name: str, seat: str | None) -> str:
        text = world(DECISION_AT_THE_LINE)
        path = str(tmp_path / name)
        exercise = Exercise(load_scenario_text(text, "s.yaml"), 3, Journal.create(path, text, 3))
        exercise.advance_to(7.0)
        exercise.submit(cmd.Decide(decision="D-1", option="watch"), seat=seat)
        play_out(exercise, None, until=DAY)
        exercise.journal.close()
        return path

    at_seat, at_console = decided("seat.sqlite", "bp"), decided("console.sqlite", None)
    said = "a player, at the seat of bp"
    assert f"| {said} |" in write_report(at_seat, "md")
    from_console = write_report(at_console, "md")
    assert "| a player |" in from_console and said not in from_console
    section = next(s for s in parsed(write_report(at_seat, "html")).iter("section")
                   if s.get("id") == "decisions")
    assert said in [text_of(td) for td in section.iter("td")]
    write_docx(at_seat, str(tmp_path / "aar.docx"))
    cells = [c.text for t in Document(tmp_path / "aar.docx").tables for r in t.rows
             for c in r.cells]
    assert said in cells
