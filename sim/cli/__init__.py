"""`tabletop`: the composition root. Each command parses, calls the core, prints.

stdout is data, stderr is for people; any `TabletopError` becomes one or two lines on
stderr and exit code 2 (`main`). The commands live in modules by who uses them: planners
(`planning`), headless runs (`runs`), the console (`console`), after action
(`after_action`); the console's modules are imported inside its commands only.
"""

from sim.cli.main import app, main

__all__ = ["app", "main"]
