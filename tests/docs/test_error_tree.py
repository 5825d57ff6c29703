"""The error tree in docs/concepts/errors.md is the live class tree.

The block between the `error-tree` markers is written from the classes; when they differ the
test fails and prints the fresh block to paste in.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import servicehub_sdk
from servicehub_sdk import APIStatusError, ServiceHubError
from servicehub_sdk.core._errors import status_error_class

PAGE = Path(__file__).parents[2] / "docs" / "concepts" / "errors.md"
BEGIN = "<!-- error-tree: generated from the classes, checked by tests/docs/test_error_tree.py -->"
END = "<!-- /error-tree -->"
NOTE_COLUMN = 38


def _note(cls: type[BaseException]) -> str:
    """The HTTP status the class stands for, the package raising it when not the core, and
    the built-in classes it also is."""
    notes = []
    statuses = [code for code in range(400, 600) if status_error_class(code) is cls]
    if cls is not APIStatusError and statuses:
        notes.append(f"HTTP {statuses[0]}" if len(statuses) == 1 else "HTTP 5xx")
    package = cls.__module__.split(".")[1]
    if package != "core":
        notes.append(f"servicehub_sdk.{package}")
    others = [
        base.__name__
        for base in cls.__bases__
        if not issubclass(base, ServiceHubError) and base is not Exception
    ]
    if others:
        notes.append(f"also {', '.join(others)}")
    return "; ".join(notes)


def _order(cls: type[BaseException]) -> tuple[bool, str, int]:
    """Core classes first, then by module; in a module, in the order they are defined."""
    module = sys.modules[cls.__module__]
    return (".core." not in cls.__module__, cls.__module__, list(vars(module)).index(cls.__name__))


def _lines(cls: type[BaseException], prefix: str, last: bool, root: bool) -> list[str]:
    branch = "" if root else ("└── " if last else "├── ")
    head = f"{prefix}{branch}{cls.__name__}"
    note = _note(cls)
    lines = [f"{head.ljust(NOTE_COLUMN)}{note}".rstrip()]
    children = sorted(
        (sub for sub in cls.__subclasses__() if sub.__module__.startswith("servicehub_sdk.")),
        key=_order,
    )
    inner = prefix if root else prefix + ("    " if last else "│   ")
    for i, child in enumerate(children):
        lines += _lines(child, inner, i == len(children) - 1, root=False)
    return lines


def error_tree() -> str:
    """Every SDK error class under `ServiceHubError`, as the page shows it."""
    for name in servicehub_sdk.__all__:
        getattr(servicehub_sdk, name)  # loads every module that defines an error
    return "\n".join(_lines(ServiceHubError, "", last=True, root=True))


def test_the_errors_page_shows_the_live_class_tree() -> None:
    text = PAGE.read_text(encoding="utf-8")
    found = re.search(re.escape(BEGIN) + r"\n```text\n(.*?)\n```\n" + re.escape(END), text, re.S)
    assert found, f"{PAGE}: no block between {BEGIN!r} and {END!r}"
    fresh = error_tree()
    assert found.group(1) == fresh, (
        f"{PAGE} shows another error tree than the classes; replace the block with:\n\n"
        f"{BEGIN}\n```text\n{fresh}\n```\n{END}"
    )
