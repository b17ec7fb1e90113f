"""One action registry behind the keys, the footer, the help screen and the command palette:
ids for remapping, HSEEP prefixes, and entries offered only where they can work."""

from __future__ import annotations

from console_support import REFERENCE, ROOT, journal_commands, screen_text, step_until
from textual.widgets import OptionList, Static

from sim import commands as cmd
from tui import actions
from tui.app import make_console
from tui.logfilter import ALL, GROUPS, LogFilter
from tui.screens.decision import DecisionModal
from tui.screens.help import HelpScreen
from tui.screens.hold import HoldModal
from tui.screens.pickers import FilterModal
from tui.widgets.log import EventLog

YEAR = ROOT / "scenarios" / "year-along-the-border.yaml"
PREFIXES = {"clock", "decision", "inject", "move", "note", "objective", "view", "exercise"}


def test_every_action_has_an_id_and_an_hseep_palette_title():
    """Ids make keys remappable; prefixes group the palette (`inject: …`, `decision: …`)."""
    bindings = actions.bindings()
    assert all(b.id for b in bindings)
    assert len({b.id for b in bindings}) == len(actions.ACTIONS)
    titled = [a for a in actions.ACTIONS if a.title]
    assert {a.title.split(":")[0] for a in titled} <= PREFIXES


async def test_the_palette_offers_decisions_only_while_one_is_open(tmp_path):
    """No `decision:` entry at T+0; once D-1 opens, one per option."""
    app = make_console(REFERENCE, str(tmp_path / "p.sqlite"), 7)
    async with app.run_test() as pilot:
        titles = [e.title for e in actions.entries(app)]
        assert not [t for t in titles if t.startswith("decision:")]
        assert "inject: fire M-03 now (on lead_assigned +5m, to aviation-authority)" in titles
        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        titles = [e.title for e in actions.entries(app)]
        assert {"decision: D-1 → monitor", "decision: D-1 → ask-partner",
                "decision: D-1 → act-across"} <= set(titles)


async def test_the_palette_offers_to_release_a_held_inject_instead_of_holding_it(tmp_path):
    """Held, M-02 is offered for release (and still for firing), no longer for holding;
    the release from the palette is journaled."""
    path = tmp_path / "release.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test() as pilot:
        app.submit(cmd.HoldInject(inject="M-02"))
        titles = [e.title for e in actions.entries(app)]
        assert "inject: release M-02 (to bp-sector)" in titles
        assert not [t for t in titles if t.startswith("inject: hold M-02")]
        assert [t for t in titles if t.startswith("inject: fire M-02 now (held")]
        await pilot.press("ctrl+p", *"release M-02")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "M-02" not in app.session.state.held
    assert [c.command.kind for c in journal_commands(path)] == ["hold_inject", "release_inject"]


async def test_the_palette_holds_an_inject_through_the_form_that_asks_why(tmp_path):
    path = tmp_path / "hold.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p", *"hold M-02")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HoldModal)
        await pilot.press(*"room needs time", "enter")
        await pilot.pause()
        assert "M-02" in app.session.state.held
    assert [c.command for c in journal_commands(path)] == [
        cmd.HoldInject(inject="M-02", why="room needs time")]


async def test_a_decision_taken_from_the_palette_is_journaled(tmp_path):
    """Ctrl+P, type the option, Enter: the decision is in the journal."""
    path = tmp_path / "palette.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test() as pilot:
        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        await pilot.press("ctrl+p", *"D-1 → ask-partner")
        await app.workers.wait_for_complete()  # the palette searches in a worker
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert [c.command for c in journal_commands(path)] == [
        cmd.Decide(decision="D-1", option="ask-partner")]


async def test_review_offers_views_and_jumps_but_no_commands(tmp_path):
    """In review the palette holds `view:` entries (jumps included), the fork (which writes a
    new journal, never this one) and nothing that writes to the exercise."""
    path = str(tmp_path / "done.sqlite")
    live = make_console(REFERENCE, path, 7)
    async with live.run_test() as pilot:
        await step_until(pilot, lambda: "D-1" in live.session.state.decided)
        await pilot.press("q")
    app = make_console(None, path, review=True)
    async with app.run_test():
        titles = [e.title for e in actions.entries(app)]
        assert {t.split(":")[0] for t in titles} == {"view", "exercise", "decision"}
        assert [t for t in titles if t.startswith("decision:")] == [
            "decision: fork here — take another option and compare"]
        assert any(e.title.startswith("view: jump to T+8m — Decision D-1 opens")
                   for e in actions.entries(app))


async def test_keys_can_be_remapped_by_binding_id(tmp_path):
    """`set_keymap({'decision.decide': 'k'})` makes k open the decision modal."""
    app = make_console(REFERENCE, str(tmp_path / "k.sqlite"), 7)
    async with app.run_test() as pilot:
        app.set_keymap({"decision.decide": "k"})
        await step_until(pilot, lambda: "D-1" in app.session.state.open_decisions)
        await pilot.press("k")
        assert isinstance(app.screen, DecisionModal)


async def test_help_lists_every_key_of_the_mode(tmp_path):
    """`?` shows the registry's rows: each live action's palette title is on the help screen."""
    app = make_console(REFERENCE, str(tmp_path / "h.sqlite"), 7)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for _, title, _ in actions.help_rows("live"):
            assert title in shown
        assert "Players' screen (projector): tabletop display" in shown  # then the journal


async def test_the_log_filter_keeps_only_what_was_picked(tmp_path):
    """`f` then 'violations and lead gaps': the log shows those kinds and nothing else."""
    app = make_console(REFERENCE, str(tmp_path / "f.sqlite"), 7)
    async with app.run_test() as pilot:
        await step_until(pilot, lambda: app.session.state.counts.get("lead_gap", 0) > 0)
        await pilot.press("n", "n", "f", "down", "enter")
        log = app.query_one(EventLog)
        assert log.filter.label == "violations and lead gaps"
        wanted = [e for e in app.session.events if e.kind in GROUPS[log.filter.label]]
        assert log.row_count == len(wanted) == 1
        await pilot.press("n")  # new events are filtered as they come
        assert log.row_count == len([e for e in app.session.events
                                     if e.kind in GROUPS[log.filter.label]])


async def test_the_filter_picker_narrows_as_you_type(tmp_path):
    """A thousand incidents: the picker lists the first 200 and says how many more; typing
    narrows the list, and Enter applies the highlighted filter."""
    app = make_console(REFERENCE, str(tmp_path / "n.sqlite"), 7)
    many = [LogFilter("incident", f"c{n}", f"incident c{n}") for n in range(1000)]
    picked = []
    async with app.run_test() as pilot:
        await app.push_screen(FilterModal([ALL, *many], ALL), picked.append)
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.option_count == FilterModal.SHOWN
        assert "801 more" in str(app.screen.query_one("#more", Static).render())
        await pilot.press(*"c99")
        assert [options.get_option_at_index(i).prompt for i in range(options.option_count)] \
            == ["incident c99", *(f"incident c{n}" for n in range(990, 1000))]
        await pilot.press("down", "enter")
    assert picked == [many[990]]


async def test_a_stream_contact_can_be_picked_by_typing_its_id(tmp_path):
    """Contacts a stream starts are offered once they have appeared: type one's id, Enter,
    and the log shows that contact's events only."""
    app = make_console(str(YEAR), str(tmp_path / "y.sqlite"), 3)
    async with app.run_test() as pilot:
        await step_until(pilot, lambda: len(app.session.state.incidents) >= 2)
        contact = list(app.session.state.incidents)[1]
        await pilot.press("f", *contact, "enter")
        log = app.query_one(EventLog)
        assert log.filter.label == f"incident {contact}"
        about = [e for e in app.session.events if getattr(e, "incident", None) == contact]
        assert log.row_count == len(about) > 0
