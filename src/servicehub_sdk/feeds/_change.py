"""`Change`: one created, updated or deleted record, as a feed or `changes()` delivers it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from ..core._errors import ServiceHubError

__all__ = [
    "Change",
    "ChangeKind",
    "Fingerprint",
    "LeaseLostError",
    "change_key",
    "fingerprint_of",
]

T = TypeVar("T")

ChangeKind = Literal["created", "updated", "deleted"]
"""What happened to the record."""

Fingerprint = Callable[[Any], str]
"""Turns a scanned record into the text that changes when the record does."""


class LeaseLostError(ServiceHubError):
    """A batch's lease lapsed before the batch was committed: nothing was committed, and the
    batch goes to whoever polls the feed next (handlers see it again: use `Change.key`)."""


@dataclass(frozen=True, slots=True)
class Change(Generic[T]):
    """One change to one record.

    Attributes:
        kind: `created`, `updated` or `deleted`.
        id: the record's id at the vendor.
        key: stable for this change of this record (the same when it is delivered again
            after a crash): an idempotency key for handlers.
        item: the record as scanned; `None` for `deleted`.
        updated_at: the vendor's modification time, where the record carries one.
        observed_at: when the SDK saw the change (the scan's time, UTC).
    """

    kind: ChangeKind
    id: str
    key: str
    item: T | None
    updated_at: datetime | None
    observed_at: datetime


def fingerprint_of(item: Any) -> str:
    """The default fingerprint: a SHA-256 of every field the scan read (`updatedAt` and
    `externalId` included), so a change to any of them is a change of the record."""
    data = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def change_key(kind: ChangeKind, record_id: str, fingerprint: str) -> str:
    """`kind:id:fingerprint`: the same change of the same record has the same key."""
    return f"{kind}:{record_id}:{fingerprint[:32]}"
