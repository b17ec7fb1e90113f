"""The facilitator's console: a Textual front on the headless core in `sim`.

It renders `State` and sends commands through `Exercise.submit`; it never holds an
exercise fact of its own. Build it with `tui.app.make_console` (the CLI and every test do).
"""
