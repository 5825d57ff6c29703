"""`Change` (defined with the resources' `changes()` in the core) and the feeds' lease error."""

from __future__ import annotations

from ..core._changes import Change, ChangeKind, Fingerprint, change_key, fingerprint_of
from ..core._errors import ServiceHubError

__all__ = [
    "Change",
    "ChangeKind",
    "Fingerprint",
    "LeaseLostError",
    "change_key",
    "fingerprint_of",
]


class LeaseLostError(ServiceHubError):
    """A batch's lease lapsed before the batch was committed: nothing was committed, and the
    batch goes to whoever polls the feed next (handlers see it again: use `Change.key`)."""
