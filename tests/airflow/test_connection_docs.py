"""The connection tables of docs/running-at-scale.md say what the connection types read."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicehub_sdk.airflow._connections import CONNECTION_SPECS, ConnectionSpec

PAGE = Path(__file__).resolve().parents[2] / "docs" / "running-at-scale.md"


def documented_rows(spec: ConnectionSpec) -> list[tuple[str, str]]:
    """(connection field, client parameter) of the spec's table on the page."""
    text = PAGE.read_text(encoding="utf-8")
    section = text.split(f"#### {spec.hook_name} (`{spec.conn_type}`)", 1)[1].split("\n\n", 2)[1]
    rows = [line.split("|")[1:3] for line in section.splitlines()[2:]]
    return [(field.strip(), parameter.strip()) for field, parameter in rows]


def declared_rows(spec: ConnectionSpec) -> list[tuple[str, str]]:
    rows = [(name.capitalize(), f"`{f.parameter}`") for name, f in spec.standard.items()]
    for extra in spec.extras:
        parameter = f"`{extra.name}`" if extra.client else f"target `{extra.name}`"
        rows.append((f"extra `{extra.name}`", parameter))
    return rows


@pytest.mark.parametrize("spec", CONNECTION_SPECS.values(), ids=lambda spec: spec.backend)
def test_the_docs_table_lists_every_field(spec: ConnectionSpec) -> None:
    assert documented_rows(spec) == declared_rows(spec)
