"""How models show in notebooks and IPython: a compact table of the fields that are set.

Secrets never show: `SecretStr` values and fields whose names look secret (`is_secret_name`)
print as `REDACTED`. Everything else an answer carried is escaped, since answers are hostile.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr

from ._redaction import REDACTED, is_secret_name, redact_mapping

__all__ = ["model_html", "model_text"]

_LONGEST = 80  # characters of one value shown in a cell
_ITEMS = 3  # items of a list shown before "… n more"


def _fields(model: BaseModel) -> Iterator[tuple[str, Any]]:
    """(name, value) of every field that is set, declared fields first, then unknown ones."""
    for name in type(model).model_fields:
        value = getattr(model, name, None)
        if value is not None:
            yield name, value
    for name, value in (model.model_extra or {}).items():
        if value is not None:
            yield name, value


def _shown(name: str, value: Any) -> Any:
    if isinstance(value, SecretStr | SecretBytes) or (is_secret_name(name) and value != ""):
        return REDACTED
    if isinstance(value, Mapping):
        return redact_mapping(value)
    return value


def _short(value: Any) -> str:
    if isinstance(value, BaseModel):
        inner = ", ".join(f"{n}={_short(_shown(n, v))}" for n, v in _fields(value))
        text = f"{type(value).__name__}({inner})"
    elif isinstance(value, list | tuple):
        items = [_short(v) for v in value[:_ITEMS]]
        more = f", … {len(value) - _ITEMS} more" if len(value) > _ITEMS else ""
        text = f"[{', '.join(items)}{more}]"
    elif isinstance(value, Enum):
        text = str(value.value)
    elif isinstance(value, str):
        text = value
    else:
        text = repr(value) if not isinstance(value, int | float | bool) else str(value)
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"


def _rows(model: BaseModel) -> list[tuple[str, str]]:
    return [(name, _short(_shown(name, value))) for name, value in _fields(model)]


def model_html(model: BaseModel) -> str:
    """The model as an HTML table: its class name, then one row per field that is set."""
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
        f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
        for name, value in _rows(model)
    )
    title = html.escape(type(model).__name__)
    return f"<table><caption style='text-align:left'><b>{title}</b></caption>{rows}</table>"


def model_text(model: BaseModel) -> str:
    """The model as aligned text: its class name, then `name  value` per field that is set."""
    rows = _rows(model)
    width = max((len(name) for name, _ in rows), default=0)
    lines = [type(model).__name__, *(f"  {name.ljust(width)}  {value}" for name, value in rows)]
    return "\n".join(lines)
