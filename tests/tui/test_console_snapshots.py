"""What the facilitator sees, pinned as SVG snapshots at 80×24 and 160×48.

Deterministic by construction: the clock never runs (it is stepped with `n`), the seed is
fixed, the run is a practice run (no journal path anywhere on screen), no wall-clock time
is shown and text cursors do not blink (the `no_cursor_blink` fixture). Update with
`pytest tests/tui --snapshot-update` only after reading the HTML report of the failure.
"""

from __future__ import annotations

import pytest
from console_support import REFERENCE

from tui.app import make_console

SIZES = [(80, 24), (160, 48)]
TO_FIRST_DECISION = ["n", "n"]  # T+5m (the contact appears), T+8m (D-1 opens)


def console():
    """The reference scenario, seed 7, at T+0 and paused."""
    return make_console(REFERENCE, None, 7)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_main_screen(snap_compare, size):
    """At T+8m: the contact over the far bank with a lead gap, D-1 open with its countdown,
    the injects to come, and the log of what happened so far."""
    assert snap_compare(console(), press=TO_FIRST_DECISION, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_decision_modal(snap_compare, size):
    """`d` at T+8m: D-1's prompt, its deadline and default, its three options, the first
    highlighted."""
    assert snap_compare(console(), press=[*TO_FIRST_DECISION, "d"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_inject_modal(snap_compare, size):
    """`i` at T+8m: the MSEL injects still to come with their HSEEP columns, and the line
    that opens an ad-hoc inject."""
    assert snap_compare(console(), press=[*TO_FIRST_DECISION, "i"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_hold_form(snap_compare, size):
    """`i`, `h` at T+8m: M-02 as the MSEL lists it, what a hold does, and the two lines
    that ask why and for how long."""
    assert snap_compare(console(), press=[*TO_FIRST_DECISION, "i", "h"], terminal_size=size)
