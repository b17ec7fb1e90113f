"""The incident board and the agency board.

Incidents: where each one present is, who leads it, and what is wrong or waiting (a lead
gap, a coordination or approval not yet given); those gone are counted. Agencies: who
leads what against their capacity, who has withdrawn, which channels are down. Both are
drawn from `State` alone.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from sim.state import State
from tui.widgets.base import StateView

GAP = "bold white on red"
WAITING = "yellow"
QUIET = "dim"
MAX_ROWS = 50  # incidents listed at most; a crowded exercise is followed through the log


def _table(*columns: str, header: bool = True) -> Table:
    """A borderless table whose last column takes the spare width (and wraps)."""
    table = Table(box=None, expand=True, pad_edge=False, padding=(0, 1, 0, 0),
                  header_style="bold", show_header=header)
    for name in columns[:-1]:
        table.add_column(name, no_wrap=True, overflow="ellipsis")
    table.add_column(columns[-1], ratio=1)
    return table


class IncidentBoard(StateView):
    """Each incident that has appeared: zone, lead, and gaps or pending requests."""

    def draw(self, state: State, clock: float):
        present = [i for i in state.incidents.values() if i.present]
        gone = len(state.incidents) - len(present)
        if not present:
            return Text(f"No incident present ({gone:,} gone)." if gone else
                        "No incident has appeared yet.", style=QUIET)
        table = _table("Incident", "Zone", "Lead", "Status")
        waiting = self._waiting(state)
        for incident in present[:MAX_ROWS]:
            status = Text()
            if incident.gap:
                status.append(" LEAD GAP ", GAP)
                status.append(" ")
            if incident.detected_by is None:
                status.append("undetected ", QUIET)
            for line in waiting.get(incident.id, ()):
                status.append(line + " ", WAITING)
            if not status:
                status.append("ok", "green")
            table.add_row(incident.id, incident.zone,
                          Text(incident.lead or "none", style="" if incident.lead else GAP),
                          status)
        notes = []
        if len(present) > MAX_ROWS:
            notes.append(Text(f"… and {len(present) - MAX_ROWS:,} more present "
                              "(filter the log by incident to follow one)", style=QUIET))
        if gone:
            notes.append(Text(f"{gone:,} gone (left the area)", style=QUIET))
        if state.traffic:
            notes.append(Text("Traffic active in " + ", ".join(sorted(state.traffic)),
                              style=WAITING))
        return Group(table, *notes) if notes else table

    @staticmethod
    def _waiting(state: State) -> dict[str, list[str]]:
        """What each incident waits for: coordination and approvals not yet given."""
        waiting: dict[str, list[str]] = {}
        for incident, agency, with_, domain in state.coordination_pending:
            waiting.setdefault(incident, []).append(
                f"coordination: {agency} asks {with_} ({domain})")
        for (incident, agency, _, action), asked in state.approvals_pending.items():
            waiting.setdefault(incident, []).append(
                f"approval: {agency} '{action}' awaits {asked.by}")
        return waiting


class AgencyBoard(StateView):
    """Each agency: how many incidents it leads out of its capacity; channels down."""

    def draw(self, state: State, clock: float):
        table = _table("Agency", "Load", "Leads", header=False)
        for agency in self.scenario.agencies:
            leads = state.leading(agency.id)
            load = Text(f"{len(leads)}/{agency.capacity}",
                        style="bold yellow" if len(leads) >= agency.capacity else "")
            if agency.id in state.withdrawn:
                table.add_row(Text(agency.id, style="strike"), load,
                              Text("withdrawn", style="bold red"))
            else:
                table.add_row(agency.id, load, ", ".join(leads) or Text("—", style=QUIET))
        down = [Text("Channel down: " + " – ".join(between), style="bold yellow", no_wrap=True,
                     overflow="ellipsis")
                for between in sorted(state.channels_down)]
        return Group(table, *down) if down else table
