"""Cells a spreadsheet shows as text, never runs as a formula (OWASP's CSV-injection advice)."""

from __future__ import annotations

__all__ = ["FORMULA_START", "formula_safe"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula."""


def formula_safe(text: str) -> str:
    """`text`, with a leading `'` when it starts like a formula (`=`, `+`, `-`, `@`, tab, CR)."""
    return "'" + text if text.startswith(FORMULA_START) else text
