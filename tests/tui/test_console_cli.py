"""`tabletop play` and `tabletop review` from the command line: what they open, what they
refuse (exit 2, one line, no traceback), and where the journal goes when none is named."""

from __future__ import annotations

import re

import pytest
from cli_support import TABLETOP, refusal, tabletop
from console_support import BUNDLED_REFERENCE, REFERENCE, PtyConsole, journal_events

from sim.loader import load_scenario
from sim.session import start
from sim.yamlsource import read_text
from tui.sessions import default_journal_name


@pytest.fixture
def played(tmp_path) -> str:
    """A journal of the reference scenario, seed 7, at T+0."""
    path = str(tmp_path / "played.sqlite")
    start(read_text(REFERENCE), REFERENCE, 7, path).journal.close()
    return path


def test_play_without_scenario_or_journal_says_what_to_give():
    """Neither a scenario nor a journal: the message names both ways to start."""
    assert "tabletop play --journal FILE" in refusal(tabletop("play"))


def test_play_of_a_missing_journal_is_refused(tmp_path):
    """Reopening a journal that is not there names the file."""
    assert "no such journal" in refusal(tabletop("play", "--journal", tmp_path / "none.sqlite"))


def test_play_refuses_a_journal_of_another_scenario(played, tmp_path):
    """A journal reopened with a different scenario file is refused, with the fix."""
    other = tmp_path / "other.yaml"
    other.write_text(read_text(REFERENCE).replace("title: ", "title: Changed "))
    message = refusal(tabletop("play", other, "--journal", played))
    assert "different version of this scenario" in message


def test_play_refuses_a_seed_other_than_the_journal_s(played):
    """A reopened journal keeps its seed; another one on the command line is refused."""
    assert "played with seed 7, not 9" in refusal(tabletop("play", "--journal", played,
                                                           "--seed", "9"))


def test_review_of_a_missing_journal_is_refused(tmp_path):
    """Review names the missing file."""
    assert "no such journal" in refusal(tabletop("review", tmp_path / "none.sqlite"))


def test_the_default_journal_is_named_after_the_scenario_and_the_time():
    """`<scenario-id>-<UTC timestamp>.tabletop.sqlite`."""
    name = default_journal_name(str(BUNDLED_REFERENCE))
    assert re.fullmatch(r"[a-z0-9-]+-\d{8}T\d{6}Z\.tabletop\.sqlite", name), name


def test_play_without_journal_keeps_one_here_and_says_so(tmp_path):
    """Quitting tells the facilitator the journal's name; the file is in the current folder."""
    console = PtyConsole([str(TABLETOP), "play", REFERENCE], cwd=tmp_path)
    console.wait_for(b"PAUSED")
    console.send(b"q")
    assert console.wait() == 0
    journals = list(tmp_path.glob(f"{load_scenario(REFERENCE).id}-*.tabletop.sqlite"))
    assert len(journals) == 1
    console.wait_for(f"The journal is {journals[0].name}".encode())
    assert journal_events(journals[0])[0].kind == "exercise_started"
