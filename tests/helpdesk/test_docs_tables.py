"""The docs page "One help desk API" shows the capability matrix and the mapping tables as the
adapters declare them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from servicehub_sdk.helpdesk import capability_matrix, mapping_tables

PAGE = Path(__file__).parents[2] / "docs" / "helpdesk.md"


@pytest.mark.parametrize(
    ("marker", "render"),
    [("capability-matrix", capability_matrix), ("mapping-tables", mapping_tables)],
)
def test_the_page_shows_what_the_adapters_declare(marker: str, render: object) -> None:
    text = PAGE.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker}:[^\n]*-->\n(.*?)\n<!-- /{marker} -->", text, re.S)
    assert found is not None, f"docs/helpdesk.md has no {marker} block"
    assert callable(render)
    assert found.group(1).strip() == str(render()).strip()


def test_the_matrix_says_what_supports_says() -> None:
    matrix = capability_matrix()
    assert "| `close` | no | yes | yes |" in matrix  # CECenter, SpiceCSM, SupportCenter Plus
    assert "| `list` | yes | with `allow_raw_sql=True` | yes |" in matrix
