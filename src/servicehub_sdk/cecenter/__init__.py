"""SAP hybris CECenter Mashup (YaaS): customers' service tickets, ticket types and statuses,
interaction logs and chat transcripts.

```python
from servicehub_sdk.cecenter import CECenterClient, TicketQuery

with CECenterClient(tenant=..., client_id=..., client_secret=...,
                    customer_email=..., customer_password=...) as cec:
    for ticket in cec.service_tickets.list(q=TicketQuery().eq("status", "OPEN")):
        ...
```
"""

from ._client import (
    DEFAULT_API_URL,
    DEFAULT_SCOPES,
    AsyncCECenterClient,
    CECenterClient,
)
from ._models import (
    ChatTranscript,
    Classification,
    Customer,
    CustomerLogin,
    InteractionLog,
    InteractionLogInput,
    ServiceTicket,
    ServiceTicketInput,
    ServiceTicketStatus,
    ServiceTicketType,
    ServiceTicketUpdate,
    TicketStatus,
    localized,
)
from ._query import TRANSIENT_FIELDS, TicketQuery
from ._wire import next_link

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_SCOPES",
    "TRANSIENT_FIELDS",
    "AsyncCECenterClient",
    "CECenterClient",
    "ChatTranscript",
    "Classification",
    "Customer",
    "CustomerLogin",
    "InteractionLog",
    "InteractionLogInput",
    "ServiceTicket",
    "ServiceTicketInput",
    "ServiceTicketStatus",
    "ServiceTicketType",
    "ServiceTicketUpdate",
    "TicketQuery",
    "TicketStatus",
    "localized",
    "next_link",
]
