"""At the hotwash, evaluators rate the objectives in the console: the form opens on the
proposed HSEEP rating, Enter confirms it, an override needs a reason; the rating is in the
journal (and so in the AAR/IP) and the objectives panel shows it beside the proposal."""

from __future__ import annotations

from contextlib import asynccontextmanager

from cli_support import tabletop
from console_support import REFERENCE, journal_commands, journal_events, screen_text
from textual.widgets import Select

from sim import commands as cmd
from sim.journal import Journal
from sim.loader import load_scenario
from sim.rating import RATINGS, proposals
from tui import actions
from tui.app import make_console
from tui.screens.rate import RateModal


def rate_commands(path) -> list[dict]:
    """The rate commands a journal holds, read back from disk."""
    return [c.command.model_dump() for c in journal_commands(path)
            if isinstance(c.command, cmd.Rate)]


def proposed(path) -> dict[str, str]:
    """Objective → proposed rating, from the journal's events alone."""
    return {o: p.rating for o, p in
            proposals(load_scenario(REFERENCE), journal_events(path)).items()}


@asynccontextmanager
async def rating_form(tmp_path):
    """The reference exercise ended at T+0 and `r` pressed: (app, pilot, journal path)."""
    path = tmp_path / "exercise.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("E", "enter", "r")
        await pilot.pause()
        yield app, pilot, path


def bindings_shown(app) -> set[str]:
    return {b.action for _, b, enabled, _ in app.active_bindings.values() if enabled}


async def test_the_key_and_the_palette_offer_ratings_only_once_the_exercise_has_ended(tmp_path):
    """Before the end `r` is neither shown nor run; after `E` it is, and the palette offers a
    rating for each objective."""
    app = make_console(REFERENCE, str(tmp_path / "exercise.sqlite"), 7)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        before = bindings_shown(app)
        await pilot.press("r")
        await pilot.pause()
        opened_before = isinstance(app.screen, RateModal)
        await pilot.press("E", "enter")
        await pilot.pause()
        after = bindings_shown(app)
        objectives = [o.id for o in app.session.scenario.objectives]
        titles = [entry.title for entry in actions.entries(app)]
    assert "rate" not in before and not opened_before
    assert "rate" in after
    assert [t for t in titles if t.startswith("objective: rate O-")] == [
        f"objective: rate {o}" for o in objectives]


async def test_enter_confirms_the_proposal_and_the_panel_shows_it(tmp_path):
    """`r` opens on the first objective with its proposal chosen; Enter journals it as the
    evaluator's rating, with no reason needed, and the panel says `rated X by evaluator`."""
    async with rating_form(tmp_path) as (app, pilot, path):
        modal = app.screen
        first = app.session.scenario.objectives[0].id
        chosen = modal.query_one("#rating", Select).value
        await pilot.press("enter")
        await pilot.pause()
        closed = not isinstance(app.screen, RateModal)
        panel = screen_text(app)
        title = app.screen.query_one("#objectives-panel").border_title
    expected = proposed(path)[first]
    assert (modal.objective, chosen, closed) == (first, expected, True)
    assert rate_commands(path) == [
        {"kind": "rate", "objective": first, "rating": expected, "by": "evaluator", "why": ""}]
    assert f"rated {expected} by evaluator" in panel
    assert title.endswith(f"· 1 of {len(app.session.scenario.objectives)} rated")


async def test_an_override_is_refused_in_place_until_it_has_a_reason(tmp_path):
    """Another rating than the proposal, Enter: refused in the form, nothing journaled. With
    a reason it is journaled, and the panel shows the proposal beside the override."""
    async with rating_form(tmp_path) as (app, pilot, path):
        first = app.session.scenario.objectives[0].id
        proposal = app.screen.query_one("#rating", Select).value
        other = next(r for r in RATINGS if r != proposal)
        # from Why back to the rating (Evaluator, Rating), open it, move to `other`, pick it
        moves = list(RATINGS).index(other) - list(RATINGS).index(proposal)
        await pilot.press("shift+tab", "shift+tab", "enter",
                          *(["down"] * moves if moves > 0 else ["up"] * -moves), "enter")
        await pilot.press("tab", "tab", "enter")
        await pilot.pause()
        refusal = str(app.screen.query_one("#refusal").render())
        journaled_without_reason = rate_commands(path)
        await pilot.press(*"players waited for the partner", "enter")
        await pilot.pause()
        closed = not isinstance(app.screen, RateModal)
        panel = screen_text(app)
    assert (f"the proposed rating is {proposal}; overriding it with {other} needs a reason "
            "— write it under Why") in refusal
    assert journaled_without_reason == []
    assert closed and rate_commands(path) == [
        {"kind": "rate", "objective": first, "rating": other, "by": "evaluator",
         "why": "players waited for the partner"}]
    assert f"rated {other} by evaluator (proposed {proposal})" in panel


async def test_choosing_another_objective_starts_from_its_proposal(tmp_path):
    """After the first is rated, `r` opens on the next one; picking an objective in the form
    shows its proposal and says when it was rated already."""
    async with rating_form(tmp_path) as (app, pilot, path):
        await pilot.press("enter", "r")
        await pilot.pause()
        objectives = [o.id for o in app.session.scenario.objectives]
        second = app.screen.objective
        # back to the first objective: Why, Evaluator, Rating, Objective
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "enter", "up", "enter")
        await pilot.pause()
        back = app.screen.objective
        rating = app.screen.query_one("#rating", Select).value
        words = str(app.screen.query_one("#proposal").render())
    assert (second, back) == (objectives[1], objectives[0])
    assert rating == proposed(path)[objectives[0]]
    assert f"Rated {rating} by evaluator already" in words


async def test_an_evaluator_reviewing_the_journal_rates_into_it(tmp_path):
    """In review, `r` is offered once the journal's exercise has ended — wherever the review
    clock stands — and opens at its end; Enter adds the rating to the journal, and the
    panel shows it. An exercise that never ended is not rated."""
    path = tmp_path / "run.sqlite"
    ended = tabletop("run", REFERENCE, "--journal", path)
    assert ended.returncode == 0, ended.stderr
    app = make_console(None, str(path), review=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.seek(0.0)
        assert "rate" in bindings_shown(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RateModal) and app.session.clock == app.session.end_time
        first = app.screen.objective
        chosen = app.screen.query_one("#rating", Select).value
        reviewed = app.session
        await pilot.press("enter")
        for _ in range(200):  # the journal is read again after the rating
            if app.session is not reviewed:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        title = app.screen.query_one("#objectives-panel").border_title
        panel = screen_text(app)
    assert rate_commands(path) == [
        {"kind": "rate", "objective": first, "rating": chosen, "by": "evaluator", "why": ""}]
    assert title.endswith(f"· 1 of {len(app.session.scenario.objectives)} rated")
    assert f"rated {chosen} by evaluator" in panel

    stopped = tmp_path / "stopped.sqlite"
    assert tabletop("run", REFERENCE, "--journal", stopped, "--until", "30m").returncode == 0
    unfinished = make_console(None, str(stopped), review=True)
    async with unfinished.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert "rate" not in bindings_shown(unfinished)
        assert not isinstance(unfinished.screen, RateModal)


async def test_a_rating_in_review_is_refused_in_the_form_while_a_console_holds_the_journal(
        tmp_path):
    path = tmp_path / "run.sqlite"
    assert tabletop("run", REFERENCE, "--journal", path).returncode == 0
    app = make_console(None, str(path), review=True)
    holder = Journal.open(str(path))  # as a console reopening the exercise would
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("r", "enter")
            await pilot.pause()
            assert isinstance(app.screen, RateModal)
            refusal = str(app.screen.query_one("#refusal").render())
    finally:
        holder.close()
    assert "is in use by another tabletop" in refusal
    assert rate_commands(path) == []
