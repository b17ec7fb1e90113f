"""The objectives panel tells evaluators where each objective stands at the console's clock:
all open at T+0, each decided as the exercise decides it, and at the end what the AAR/IP
will say; in review, as they stood at the review clock."""

from __future__ import annotations

import re

from console_support import REFERENCE, journal_events, screen_text, step_until
from textual.notifications import Notify

from sim.evaluate import evaluate
from sim.headless import fixed_choices, play_out
from sim.loader import load_scenario
from sim.session import start
from sim.yamlsource import read_text
from tui.app import make_console

ROW = re.compile(r"(?:^|\s)(O-\d+) +(MET|NOT MET|open) ", re.MULTILINE)


def shown(app) -> dict[str, str]:
    """Objective → verdict, as the objectives panel shows them on screen."""
    assert app.screen.query_one("#objectives-panel").border_title.startswith("Objectives")
    return dict(ROW.findall(screen_text(app)))


def scored(path) -> dict[str, str]:
    """Objective → verdict of the finished run, as the AAR/IP gives them."""
    results = evaluate(load_scenario(REFERENCE), journal_events(path))
    return {r.objective.id: "MET" if r.met else "NOT MET" for r in results}


async def test_objectives_open_at_the_start_and_end_as_the_aar_says(tmp_path):
    """Stepped from T+0 to the controller's end: the first objective decided is announced
    and decided for good, and the end shows every objective as the evaluation of the
    journal scores it (without announcing those the end decides: the end is announced)."""
    path = tmp_path / "exercise.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    seen: list = []
    async with app.run_test(size=(160, 48), message_hook=seen.append) as pilot:
        await pilot.pause()
        objectives = [o.id for o in app.session.scenario.objectives]
        assert shown(app) == dict.fromkeys(objectives, "open")
        assert app.screen.query_one("#objectives-panel").border_title == (
            f"Objectives — {len(objectives)} open")
        await step_until(pilot, lambda: set(shown(app).values()) != {"open"})
        decided = {o: v for o, v in shown(app).items() if v != "open"}
        await pilot.press("E", "enter")
        await pilot.pause()
        final = shown(app)
        await pilot.press("q")
    assert final == scored(path)
    assert decided.items() <= final.items()
    announced = [m.notification.title for m in seen if isinstance(m, Notify)
                 and m.notification.title.startswith("O-")]
    assert sorted(announced) == sorted(f"{o} {v}" for o, v in decided.items())


async def test_review_shows_the_objectives_as_they_stood_at_the_review_clock(tmp_path):
    """At the end of a finished journal the panel gives the AAR's verdicts; jumped back to
    T+0, every objective is open again."""
    path = str(tmp_path / "finished.sqlite")
    exercise = start(read_text(REFERENCE), REFERENCE, 7, path)
    play_out(exercise, fixed_choices({"D-1": "act-across"}))
    exercise.journal.close()
    app = make_console(None, path, review=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        at_the_end = shown(app)
        await pilot.press("j", *"0m", "enter")
        await pilot.pause()
        at_the_start = shown(app)
    assert at_the_end == scored(path)
    assert set(at_the_start.values()) == {"open"} and at_the_start.keys() == at_the_end.keys()
