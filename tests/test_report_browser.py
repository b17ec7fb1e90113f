"""The HTML AAR/IP opened in a real headless Chromium: it renders, with nothing on the
console, and the screenshot shows a page (skipped where Debian's chromium is absent)."""

import shutil
import subprocess

import pytest
from conftest import LIBRARY
from PIL import Image
from test_report import journal_of, last_option

from sim import commands as cmd
from sim.loader import load_scenario_text
from sim.report import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def screenshot(page, png, profile) -> str:
    """Open the page headless, save a screenshot, and return Chromium's log."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,2000",
         "--enable-logging=stderr", "--v=0", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_the_report_renders_in_chromium_without_console_errors(tmp_path):
    """A bundled scenario's AAR/IP, with a note holding a script tag, renders cleanly."""
    source = next((p for p in LIBRARY if p.stem == "watcher-across-the-river"), LIBRARY[0])
    text = source.read_text()
    scenario = load_scenario_text(text, str(source))
    note = cmd.Note(text="<script>console.error('escaped?')</script> worth a look", author="eve")
    path = journal_of(tmp_path / "ex.sqlite", text, last_option(scenario), moves=[(20.0, note)])
    page = tmp_path / "aar.html"
    write_report(path, "html", str(page))
    png = tmp_path / "aar.png"
    log = screenshot(page, png, tmp_path / "profile")
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == []
    image = Image.open(png)
    assert image.size == (1280, 2000)
    colours = image.convert("RGB").resize((320, 500)).getcolors(maxcolors=320 * 500)
    assert len(colours) > 50  # a rendered page, not a blank one
