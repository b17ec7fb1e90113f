"""Fixtures for the console's tests: no blinking cursor (snapshots stay still)."""

from __future__ import annotations

import pytest
from textual.widgets import Input


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """Keep text cursors steady so a screenshot never catches one mid-blink."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
