"""The capability matrix and mapping tables of the registered help desks, as Markdown (the
docs page "One help desk API" is generated from these)."""

from __future__ import annotations

from typing import Any

from .._backends import backends, load_object
from ._adapter import OPERATIONS, Adapter

__all__ = ["capability_matrix", "mapping_tables"]


def _adapters() -> list[tuple[str, type[Adapter]]]:
    return [
        (spec.display_name, load_object(spec.help_desk))
        for spec in backends.values()
        if spec.help_desk is not None
    ]


def capability_matrix() -> str:
    """A Markdown table: one row per operation, one column per help desk; `yes`, or `no`
    with the vendor's nearest way as a footnote-like remark."""
    adapters = _adapters()
    lines = [
        "| operation | " + " | ".join(name for name, _ in adapters) + " |",
        "| --- | " + " | ".join("---" for _ in adapters) + " |",
    ]
    for operation in OPERATIONS:
        cells = []
        for _, adapter in adapters:
            if operation in adapter.CONDITIONS:
                cells.append(adapter.CONDITIONS[operation])
            elif operation in adapter.SUPPORTED:
                cells.append("yes")
            else:
                cells.append("no")
        lines.append(f"| `{operation}` | " + " | ".join(cells) + " |")
    lines.append("")
    for name, adapter in adapters:
        for operation, nearest in adapter.NEAREST.items():
            lines.append(f"- {name}, `{operation}`: {nearest}.")
    return "\n".join(lines)


def _table(title: str, rows: dict[Any, Any], left: str, right: str) -> str:
    body = "\n".join(f"| `{k}` | `{getattr(v, 'value', v)}` |" for k, v in rows.items())
    return f"**{title}**\n\n| {left} | {right} |\n| --- | --- |\n{body}\n"


def mapping_tables() -> str:
    """The default read and write maps of every help desk, as Markdown sections."""
    parts = []
    for name, adapter in _adapters():
        maps = adapter.DEFAULT_MAPS
        parts.append(f"### {name}\n")
        parts.append(_table("Status read", dict(maps.status_read), "vendor", "unified"))
        write = {k.value: v for k, v in maps.status_write.items()}
        parts.append(_table("Status write", write, "unified", "vendor"))
        parts.append(_table("Priority read", dict(maps.priority_read), "vendor", "unified"))
        pwrite = {k.value: v for k, v in maps.priority_write.items()}
        parts.append(_table("Priority write", pwrite, "unified", "vendor"))
    return "\n".join(parts)
