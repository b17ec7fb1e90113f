"""tabletop's headless core: scenarios, the SimPy engine, the journal and the reports."""

__version__ = "0.2.0"
