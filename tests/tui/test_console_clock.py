"""The console's clock: sim time follows wall time × speed from a Textual timer, in bounded
steps, and stops by itself when the exercise ends."""

from __future__ import annotations

from console_support import REFERENCE

from sim.state import State
from tui.app import make_console
from tui.messages import ExerciseAdvanced, PaceChanged
from tui.pace import SPEEDS, Pace


class Wall:
    """A wall clock the test moves by hand (seconds)."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_target_is_wall_time_times_speed_from_the_anchor():
    """At 60× a wall second is a sim minute; changing speed re-anchors without a jump."""
    pace = Pace()
    pace.start(sim=10.0, wall=100.0)
    pace.change(len(SPEEDS), sim=10.0, wall=100.0)  # to the top of the ladder
    assert (pace.speed, pace.target(101.0)) == (60, 11.0)
    assert pace.change(-1, sim=11.0, wall=101.0) and pace.target(131.0) == 26.0
    pace.stop()
    assert pace.target(999.0) == 11.0


async def test_the_clock_follows_the_wall_and_changes_speed(tmp_path):
    """Thirty wall seconds at 1× are half a sim minute; thirty more at 2× a whole one."""
    wall = Wall()
    app = make_console(REFERENCE, str(tmp_path / "clock.sqlite"), 7, wall=wall)
    async with app.run_test() as pilot:
        await pilot.press("space")
        wall.now = 30.0
        app.tick()
        assert app.session.clock == 0.5
        await pilot.press("plus")
        wall.now = 60.0
        app.tick()
        assert app.session.clock == 1.5


async def test_the_clock_stops_by_itself_at_the_end(tmp_path):
    """Run at 60× for three wall hours: the exercise ends and the clock stops with it."""
    wall = Wall()
    app = make_console(REFERENCE, str(tmp_path / "end.sqlite"), 7, wall=wall)
    seen: list = []
    async with app.run_test(message_hook=seen.append) as pilot:
        await pilot.press(*["plus"] * 5, "space")
        wall.now = 3 * 3600.0
        while not app.session.state.ended:
            app.tick()
        await pilot.pause()
        assert not app.pace.running
        assert [m.running for m in seen if isinstance(m, PaceChanged)][-1] is False
        assert app.session.clock == app.session.end_time


def test_a_burst_of_advances_is_rendered_once_with_all_its_events():
    """A newer `ExerciseAdvanced` replaces a queued one, carrying the older one's events."""
    state = State()
    older, newer = ExerciseAdvanced(["a", "b"], state, 1.0), ExerciseAdvanced(["c"], state, 2.0)
    assert older.can_replace(newer)
    assert (newer.events, newer.clock) == (["a", "b", "c"], 2.0)
    assert not older.can_replace(PaceChanged(True, 1))
