"""The controller manages the MSEL from the console: an inject held with `h` in the inject
list (saying why, or not) does not fire at its time, the MSEL panel says `held`, and it can
still be fired by hand or released with `h` again. Asserted in the journal on disk."""

from __future__ import annotations

from console_support import REFERENCE, journal_commands, journal_events, screen_text, step_until
from textual.widgets import Input, OptionList, Static

from sim import commands as cmd
from sim.aar import gather
from sim.timeline import tplus
from tui.app import make_console
from tui.screens.hold import HoldModal
from tui.screens.inject import InjectModal


async def holding_m02(pilot, app) -> None:
    """Once M-01 is delivered, `i` and `h` on the first inject listed (M-02, the next one
    due): the hold form, asking why and for how long, before anything is journaled."""
    await step_until(pilot, lambda: "M-01" in app.session.state.delivered)
    await pilot.press("i")
    assert isinstance(app.screen, InjectModal)
    assert app.screen.query_one(OptionList).highlighted == 0
    await pilot.press("h")
    await pilot.pause()
    assert isinstance(app.screen, HoldModal)
    assert "Hold inject M-02?" in screen_text(app)


async def test_an_inject_held_waits_for_the_controllers_hand(tmp_path):
    """Hold M-02 (due at T+12m) before its time, saying why: the clock passes T+12m without
    it, the panel lists it as held; then `i`, the highlighted M-02, Enter fires it. The
    AAR/IP says why it was held."""
    path = tmp_path / "held.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(140, 40)) as pilot:
        await holding_m02(pilot, app)
        assert journal_commands(path) == []
        await pilot.press(*"players already on it", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, HoldModal | InjectModal)  # accepted: it closed
        assert "M-02" in app.session.state.held
        await step_until(pilot, lambda: app.session.clock > 12)
        assert "M-02" not in app.session.state.delivered
        assert "held M-02 →" in screen_text(app)

        await pilot.press("i")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = next(n for n in range(options.option_count)
                                   if options.get_option_at_index(n).id == "M-02")
        await pilot.press("enter")
        await pilot.pause()
        assert "M-02" in app.session.state.delivered
        await pilot.press("q")

    assert [c.command for c in journal_commands(path)] == [
        cmd.HoldInject(inject="M-02", why="players already on it"), cmd.FireInject(inject="M-02")]
    events = journal_events(path)
    [held] = [e for e in events if e.kind == "inject_held"]
    [delivered] = [e for e in events if e.kind == "inject_delivered" and e.inject == "M-02"]
    assert held.t < 12 < delivered.t
    assert held.why == "players already on it"
    [hold] = gather(str(path)).held
    assert hold.sentence.startswith("M-02 held at ") and "(players already on it); fired by " \
        "hand at" in hold.sentence


async def test_h_on_a_held_inject_releases_it_and_one_past_its_time_fires_at_once(tmp_path):
    """M-02 held before its time (T+12m) is listed as held; `h` on it after T+12m releases
    it, and since its time came while it was held, it is delivered at once."""
    path = tmp_path / "released.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(140, 40)) as pilot:
        await holding_m02(pilot, app)
        await pilot.press("enter")  # no reason given: the hold needs none
        await pilot.pause()
        await step_until(pilot, lambda: app.session.clock > 12)
        await pilot.press("i")
        await pilot.pause()
        assert "M-02  held" in screen_text(app)
        await pilot.press("h")  # M-02 is still the first on the list
        await pilot.pause()
        assert not isinstance(app.screen, InjectModal)
        assert "M-02" not in app.session.state.held
        assert "M-02" in app.session.state.delivered
        await pilot.press("q")
    assert [c.command for c in journal_commands(path)] == [
        cmd.HoldInject(inject="M-02"), cmd.ReleaseInject(inject="M-02")]
    events = journal_events(path)
    [released] = [e for e in events if e.kind == "inject_released"]
    [delivered] = [e for e in events if e.kind == "inject_delivered" and e.inject == "M-02"]
    assert 12 < released.t == delivered.t and released.seq < delivered.seq


async def test_h_on_the_ad_hoc_line_says_what_to_highlight(tmp_path):
    """The ad-hoc line is not an MSEL inject: `h` there leaves the list open and says so,
    and nothing is journaled."""
    path = tmp_path / "adhoc.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = options.option_count - 1
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, InjectModal)
        refusal = str(app.screen.query_one("#refusal", Static).render())
        assert refusal == "Highlight an MSEL inject to hold or release"
    assert journal_commands(path) == []


async def test_an_inject_held_for_a_while_is_pushed_back_and_fires_by_itself_then(tmp_path):
    """`h` on M-02 (due at T+12m) before its time, 20m under For: the MSEL panel says until
    when; at the end of the hold M-02 fires by itself. A length that is no duration is
    refused in the form, and nothing is journaled for it."""
    path = tmp_path / "pushed.sqlite"
    app = make_console(REFERENCE, str(path), 7)
    async with app.run_test(size=(140, 40)) as pilot:
        await holding_m02(pilot, app)
        await pilot.press("tab", *"soon", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HoldModal)
        assert "For: 'soon' is not a duration" in str(app.screen.query_one("#refusal").render())
        app.screen.query_one("#for", Input).value = "20m"
        await pilot.press("enter")
        await pilot.pause()
        [hold] = app.session.state.held.values()
        until = hold.t + 20
        assert f"held to {tplus(until)} M-02" in screen_text(app)
        await step_until(pilot, lambda: "M-02" in app.session.state.delivered)
        await pilot.press("q")
    assert [c.command for c in journal_commands(path)] == [
        cmd.HoldInject(inject="M-02", **{"for": 20})]
    [delivered] = [e for e in journal_events(path)
                   if e.kind == "inject_delivered" and e.inject == "M-02"]
    assert delivered.t == until
