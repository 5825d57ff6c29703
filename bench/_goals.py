"""Goals printed beside their figures, so a regression shows in the next `make bench`."""

from __future__ import annotations


def goal(what: str, figure: str, met: bool | None, target: str) -> None:
    """One line: the goal, the figure measured, and whether it was met (`None`: the figure
    it is compared with could not be measured in this run)."""
    verdict = "not measured" if met is None else "met" if met else "MISSED"
    print(f"  goal {what}: {figure} (goal {target}) {verdict}", flush=True)
