"""What the JSON-RPC resource families share: checking the object a call takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core._errors import RequestValidationError

__all__ = ["criteria_object"]


def criteria_object(criteria: Mapping[str, Any] | None, what: str) -> dict[str, Any]:
    """`criteria` as the one object SpiceCSM's `*Load` calls take (arrays are refused)."""
    if criteria is None:
        return {}
    if not isinstance(criteria, Mapping):
        raise RequestValidationError(
            f"{what} takes one object of criteria (a mapping), not {type(criteria).__name__}"
        )
    return dict(criteria)
