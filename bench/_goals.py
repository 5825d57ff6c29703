"""Goals printed beside their figures, so a regression shows in the next `make bench`."""

from __future__ import annotations


def goal(what: str, figure: str, met: bool, target: str) -> None:
    """One line: the goal, the figure measured, and whether it was met."""
    print(f"  goal {what}: {figure} (goal {target}) {'met' if met else 'MISSED'}", flush=True)
