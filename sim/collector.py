"""Pausing Python's cyclic garbage collector around work that makes many objects and no
reference cycles.

The collector runs each time a few hundred container objects have been made, and now and
then looks through every live one: among the million facts a year-long run keeps alive
that cost a fifth of the run, among the nodes and models of a large scenario more than half
of loading it, and a tenth of reading a year's journal back. Stepping the engine, loading a
scenario, reading a journal and gathering an AAR/IP make no cycles (tested in
test_engine_clock, test_loader and test_report); whatever a pause leaves is collected once
the collector runs again."""

from __future__ import annotations

import gc


class collector_paused:
    """A `with` block during which the cyclic collector does not run (nestable)."""

    def __enter__(self) -> None:
        self.collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.collecting:
            gc.enable()
