"""How vendor values read and write as unified ones: per backend, a read map (vendor value
-> unified, many-to-one, matched without regard to case) and a write map (unified -> the
vendor value sent) for status and priority, and a custom-field map (unified name -> the
vendor's field). `HelpDesk(..., status_map=..., ...)` overrides entries of the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ._models import TicketPriority, TicketStatus

__all__ = ["Maps"]

E = TypeVar("E")


@dataclass(frozen=True)
class Maps:
    """The mappings of one help desk.

    Attributes:
        status_read, priority_read: vendor value -> unified value.
        status_write, priority_write: unified value -> vendor value; a unified value missing
            here cannot be set on the vendor.
        custom_fields: unified custom-field name -> the vendor's field name.
    """

    status_read: Mapping[str, TicketStatus]
    status_write: Mapping[TicketStatus, str]
    priority_read: Mapping[str, TicketPriority]
    priority_write: Mapping[TicketPriority, str]
    custom_fields: Mapping[str, str] = field(default_factory=dict)

    def status(self, origin: Any) -> TicketStatus:
        """The unified status of the vendor's value (`UNKNOWN` when unmapped)."""
        return _read(self.status_read, origin, TicketStatus.UNKNOWN)

    def priority(self, origin: Any) -> TicketPriority:
        """The unified priority of the vendor's value (`UNKNOWN` when unmapped)."""
        return _read(self.priority_read, origin, TicketPriority.UNKNOWN)

    def vendor_statuses(self, status: TicketStatus) -> list[str]:
        """Every vendor value that reads as `status`."""
        return [origin for origin, unified in self.status_read.items() if unified is status]

    def custom_in(self, vendor: Mapping[str, Any]) -> dict[str, Any]:
        """The vendor's custom fields under their unified names (unmapped ones as sent)."""
        back = {v: k for k, v in self.custom_fields.items()}
        return {back.get(k, k): v for k, v in vendor.items()}

    def custom_out(self, unified: Mapping[str, Any]) -> dict[str, Any]:
        """Unified custom fields under the vendor's names."""
        return {self.custom_fields.get(k, k): v for k, v in unified.items()}

    def overridden(
        self,
        *,
        status_map: Mapping[str, TicketStatus | str] | None = None,
        status_write_map: Mapping[TicketStatus | str, str] | None = None,
        priority_map: Mapping[str, TicketPriority | str] | None = None,
        priority_write_map: Mapping[TicketPriority | str, str] | None = None,
        custom_fields: Mapping[str, str] | None = None,
    ) -> Maps:
        """These maps with the given entries added or replaced."""
        return Maps(
            status_read={
                **self.status_read,
                **{k: TicketStatus(v) for k, v in (status_map or {}).items()},
            },
            status_write={
                **self.status_write,
                **{TicketStatus(k): v for k, v in (status_write_map or {}).items()},
            },
            priority_read={
                **self.priority_read,
                **{k: TicketPriority(v) for k, v in (priority_map or {}).items()},
            },
            priority_write={
                **self.priority_write,
                **{TicketPriority(k): v for k, v in (priority_write_map or {}).items()},
            },
            custom_fields={**self.custom_fields, **(custom_fields or {})},
        )


def _read(table: Mapping[str, E], origin: Any, unknown: E) -> E:
    if origin is None:
        return unknown
    text = str(origin)
    if text in table:
        return table[text]
    folded = text.casefold()
    for key, value in table.items():
        if key.casefold() == folded:
            return value
    return unknown
