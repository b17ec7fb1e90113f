"""Benchmark: the facilitator's console with a journal of 100,000 events loaded.

Measured under Textual's Pilot (headless, 160×48), median of many key presses, each from
the press to the last screen update it caused:
  - scrolling the event log one line (↑) and one page (PgUp);
  - filtering the log (its events looked up in the log's index): `v` (violations only, or
    all again) in place; opening the filter picker (`f`, every incident on offer), and Enter in it
    (which also repaints the screen it uncovers);
  - opening the decision modal (`d`);
  - in review, going back one event (←: the state as it was one event earlier).
And, in a pseudo-terminal, the startup of `tabletop play` on the reference scenario until
its first paint (the clock bar on screen), median of a few starts; the 100,000-event
journal's reopening time is printed too. Targets (issue 4): 50 ms per key, 1.5 s to paint.
Run: `python bench/console.py [--incidents N] [--presses N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pathlib
import pty
import select
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.headless import play_out  # noqa: E402
from sim.session import start  # noqa: E402
from tui.app import make_console  # noqa: E402
from tui.widgets.log import EventLog  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "examples" / "river-watch.yaml"
if not REFERENCE.exists():
    REFERENCE = ROOT / "scenarios" / "watcher-across-the-river.yaml"
TABLETOP = pathlib.Path(sys.executable).with_name("tabletop")
SPACING = 0.05  # minutes between two contacts appearing


def crowded_scenario(incidents: int) -> tuple[str, float]:
    """The reference world with `incidents` contacts crossing the river one after another,
    and a decision opening once they are all through (with a deadline far away); returns
    the YAML and the time at which that decision is open."""
    text = REFERENCE.read_text()
    world = text[:text.index("\nincidents:")]
    settled = incidents * SPACING + 100
    lines = [world.replace("duration: 2h", f"duration: {int(settled + 700)}m"), "incidents:"]
    for n in range(incidents):
        at = 5 + n * SPACING
        lines.append(f"  - {{id: c{n}, detected_by: task-force, leaves: {at + 85:.2f}, path: "
                     f"[{{zone: far-bank, at: {at:.2f}}}, {{zone: sector-7, at: {at + 35:.2f}}},"
                     f" {{zone: county-town, at: {at + 60:.2f}}}]}}")
    lines += ["decisions:", "  - id: D-1", f"    at: {settled:.2f}", "    cell: bp-sector",
              "    prompt: Every contact is through. What does the sector report?",
              "    options:", "      - {id: monitor, text: Keep watching.}",
              "      - {id: escalate, text: Ask for more resources.}",
              "    default: monitor", "    deadline: 600m", ""]
    return "\n".join(lines), settled + 1


def big_journal(folder: str, incidents: int) -> tuple[str, int]:
    """Play the crowded scenario headless into a journal; returns its path and event count."""
    text, until = crowded_scenario(incidents)
    path = os.path.join(folder, "crowded.tabletop.sqlite")
    exercise = start(text, "crowded.yaml", 1, path)
    play_out(exercise, None, until)
    count = exercise.state.seq
    exercise.journal.close()
    return path, count


def repaint_stamps(app) -> list[float]:
    """Record when the app hands each composed screen update to its driver (a private hook
    of Textual's, watched here only: in a terminal the update is written out then)."""
    stamps: list[float] = []
    display = app._display

    def stamped(screen, update):
        stamps.append(time.perf_counter())
        return display(screen, update)

    app._display = stamped
    return stamps


async def key_latencies(path: str, presses: int) -> dict[str, list[float]]:
    """Milliseconds from each key press to the last repaint it caused."""
    app = make_console(None, path)
    timings: dict[str, list[float]] = {"scroll ↑ one line": [], "scroll PgUp one page": [],
                                       "filter: v (violations/all)": [],
                                       "filter: open the picker (f)": [],
                                       "filter: picker, Enter": [],
                                       "open the decision modal": []}
    stamps = repaint_stamps(app)

    async def timed(name: str, pilot, key: str) -> None:
        timings[name].append(await timed_press(pilot, stamps, name, key))

    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("l")
        for _ in range(presses):
            await timed("scroll ↑ one line", pilot, "up")
        for _ in range(presses):
            await timed("scroll PgUp one page", pilot, "pageup")
        assert app.query_one(EventLog).row_count > 0
        for _ in range(presses):
            await timed("filter: v (violations/all)", pilot, "v")
        for n in range(presses):
            await timed("filter: open the picker (f)", pilot, "f")
            await pilot.press(*["down"] * (1 + n % 6))  # groups, then an incident
            await timed("filter: picker, Enter", pilot, "enter")
        for _ in range(presses):
            await timed("open the decision modal", pilot, "d")
            await pilot.press("escape")
    return timings


async def timed_press(pilot, stamps: list[float], name: str, key: str) -> float:
    """Milliseconds from pressing `key` to the last repaint it caused."""
    began, painted = time.perf_counter(), len(stamps)
    await pilot.press(key)  # returns once the app is idle again
    if len(stamps) == painted:
        raise RuntimeError(f"{name}: the key repainted nothing")
    return (stamps[-1] - began) * 1000


async def review_latencies(path: str, presses: int) -> list[float]:
    """Milliseconds for ← in review (the exercise one event earlier), from the end back."""
    app = make_console(None, path, review=True)
    stamps = repaint_stamps(app)
    async with app.run_test(size=(160, 48)) as pilot:
        return [await timed_press(pilot, stamps, "review ←", "left") for _ in range(presses)]


def first_paint(argv: list[str], cwd: str) -> float:
    """Seconds from starting a console in a pseudo-terminal to its clock bar on screen."""
    began = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    seen = b""
    try:
        while b"PAUSED" not in seen:
            if time.perf_counter() - began > 60:
                raise RuntimeError("the console did not paint within a minute")
            if select.select([fd], [], [], 0.01)[0]:
                seen += os.read(fd, 65536)
        return time.perf_counter() - began
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=9100,
                        help="contacts in the crowded scenario (9,100 make about 100,000 "
                             "events)")
    parser.add_argument("--presses", type=int, default=40, help="key presses per measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tabletop-bench-") as folder:
        began = time.perf_counter()
        path, count = big_journal(folder, args.incidents)
        print(f"journal: {count:,} events, played headless in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        make_console(None, path).session.close()
        print(f"reopening it (replay and check every event): {time.perf_counter() - began:.2f} s")
        timings = asyncio.run(key_latencies(path, args.presses))
        print(f"key press to repaint, median of {args.presses} (target < 50 ms):")
        for name, values in timings.items():
            print(f"  {name:<26} {statistics.median(values):7.1f} ms")
        back = statistics.median(asyncio.run(review_latencies(path, args.presses)))
        print(f"  {'review: ← one event back':<26} {back:7.1f} ms")
        starts = [first_paint([str(TABLETOP), "play", str(REFERENCE), "--journal",
                               os.path.join(folder, f"start-{n}.sqlite")], folder)
                  for n in range(5)]
        print(f"tabletop play to first paint, median of 5 (target < 1.5 s): "
              f"{statistics.median(starts) * 1000:.0f} ms")
        print(f"tabletop play --journal (the {count:,}-event journal) to first paint: "
              f"{first_paint([str(TABLETOP), 'play', '--journal', path], folder) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
