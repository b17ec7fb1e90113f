"""The pace of the console's clock: running or stopped, and how fast against the wall.

Sim time is minutes; at speed 1× one sim minute passes per wall minute. The target sim
time is computed from wall time each tick (not by adding up ticks), so a slow tick never
makes the exercise drift behind the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass

SPEEDS = (1, 2, 5, 10, 30, 60)


@dataclass
class Pace:
    """Where the clock was anchored (wall seconds, sim minutes) and at what speed it runs."""

    speed_index: int = 0
    running: bool = False
    anchor_wall: float = 0.0
    anchor_sim: float = 0.0

    @property
    def speed(self) -> int:
        return SPEEDS[self.speed_index]

    def start(self, sim: float, wall: float) -> None:
        """Run from sim time `sim`, counted from wall time `wall`."""
        self.running, self.anchor_wall, self.anchor_sim = True, wall, sim

    def stop(self) -> None:
        self.running = False

    def change(self, steps: int, sim: float, wall: float) -> bool:
        """Move `steps` along the speed ladder (re-anchored so the clock does not jump);
        False when already at the end of the ladder."""
        index = min(max(self.speed_index + steps, 0), len(SPEEDS) - 1)
        if index == self.speed_index:
            return False
        self.speed_index = index
        self.anchor_wall, self.anchor_sim = wall, sim
        return True

    def target(self, wall: float) -> float:
        """The sim time the clock should have reached at wall time `wall`."""
        if not self.running:
            return self.anchor_sim
        return self.anchor_sim + (wall - self.anchor_wall) / 60.0 * self.speed
