"""How models show in notebooks and IPython: a compact table of the fields that are set.

Secrets never show: `SecretStr` values and fields whose names look secret (`is_secret_name`)
print as `REDACTED`. Everything else an answer carried is escaped, since answers are hostile.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr

from ._redaction import REDACTED, is_secret_name, redact_mapping

__all__ = ["brief_repr_args", "model_html", "model_text"]

_LONGEST = 80  # characters of one value shown in a cell
_ITEMS = 3  # items of a list shown before "… n more"
_REPR_VALUE = 60  # characters of one value in a repr
_REPR_BUDGET = 240  # characters of fields in a repr before the rest is counted, not shown


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


class _Brief:
    """A value's shortened repr text, for `__repr_args__`."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _brief(name: str | None, value: Any) -> str:
    if isinstance(value, str) and name and is_secret_name(name) and value != "":
        text = repr(REDACTED)
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    elif isinstance(value, list | tuple):
        items = [_brief(None, v) for v in value[:_ITEMS]]
        more = f", … {len(value) - _ITEMS} more" if len(value) > _ITEMS else ""
        text = f"[{', '.join(items)}{more}]"
    elif isinstance(value, Mapping):
        text = repr(redact_mapping(value))
    else:
        text = repr(value)
    return text if len(text) <= _REPR_VALUE else text[: _REPR_VALUE - 1] + "…"


def brief_repr_args(args: Iterable[tuple[str | None, Any]]) -> Iterator[tuple[str | None, Any]]:
    """A model's repr fields, compact: `None` left out, secret-named text as `REDACTED`, long
    values cut, lists shown by their first items, and past a few lines' worth of text the
    remaining fields counted (`… 12 more`) instead of shown."""
    used = 0
    hidden = 0
    for name, value in args:
        if value is None:
            continue
        text = _brief(name, value)
        used += len(text) + len(name or "") + 3
        if hidden or (used > _REPR_BUDGET and used > len(text) + len(name or "") + 3):
            hidden += 1  # the first field always shows
            continue
        yield name, _Brief(text)
    if hidden:
        yield None, _Brief(f"… {hidden} more")
