"""tabletop's headless core: scenarios, the SimPy engine, the journal and the reports."""

from sim.compiled import check_fresh

__version__ = "0.2.0"

check_fresh()
