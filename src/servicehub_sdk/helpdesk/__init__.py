"""One help desk API over SupportCenter Plus, CECenter Mashup and SpiceCSM.

```python
from servicehub_sdk.helpdesk import HelpDesk, TicketStatus

desk = HelpDesk(scp)  # or a CECenterClient acting for a customer, or a SpiceCSMClient
ticket = desk.tickets.create({"subject": "Spindle noise", "priority": "high"})
desk.tickets.comments(ticket.id).create("Checked the bearings", private=False)
for open_ticket in desk.tickets.list(status=TicketStatus.OPEN):
    print(open_ticket.number, open_ticket.status_origin, open_ticket.remote_data)
```

`HelpDesk` drives the vendor's sync client, `AsyncHelpDesk` the async one; what a vendor
cannot do raises `UnsupportedOperationError`, and `desk.supports(...)` says so beforehand.
"""

from ..core._cursor import DEFAULT_OVERLAP, UpdatedSince
from ._adapter import OPERATIONS, Adapter, TicketFilter
from ._cecenter import CECenterHelpDesk
from ._desk import AsyncHelpDesk, HelpDesk, help_desk_spec
from ._errors import TicketNotFoundError, UnsupportedOperationError
from ._maps import Maps
from ._matrix import capability_matrix, mapping_tables
from ._models import (
    Comment,
    Contact,
    Ticket,
    TicketInput,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
)
from ._spicecsm import DEFAULT_COLUMNS, SpiceCSMHelpDesk
from ._supportcenter import (
    SUPPORTCENTER_CLOUD_URL,
    SUPPORTCENTER_ON_PREMISE_URL,
    SupportCenterHelpDesk,
)

__all__ = [
    "DEFAULT_COLUMNS",
    "DEFAULT_OVERLAP",
    "OPERATIONS",
    "SUPPORTCENTER_CLOUD_URL",
    "SUPPORTCENTER_ON_PREMISE_URL",
    "Adapter",
    "AsyncHelpDesk",
    "CECenterHelpDesk",
    "Comment",
    "Contact",
    "HelpDesk",
    "Maps",
    "SpiceCSMHelpDesk",
    "SupportCenterHelpDesk",
    "Ticket",
    "TicketFilter",
    "TicketInput",
    "TicketNotFoundError",
    "TicketPriority",
    "TicketStatus",
    "TicketUpdate",
    "UnsupportedOperationError",
    "UpdatedSince",
    "capability_matrix",
    "help_desk_spec",
    "mapping_tables",
]
