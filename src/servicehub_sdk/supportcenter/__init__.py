"""ManageEngine SupportCenter Plus REST API v3: requests and everything on them, support
reps, requesters, admin lists and custom modules.

```python
from servicehub_sdk.supportcenter import Criteria, SupportCenterPlus

with SupportCenterPlus(base_url="https://scp.example.com:8080", api_key=...) as scp:
    ticket = scp.requests.create({"subject": "Spindle noise", "priority": "High"})
    for request in scp.requests.list(search=Criteria("status.name").is_("Open")):
        ...
```
"""

from .client import DEFAULT_ACCEPT, AsyncSupportCenterPlus, CustomRecord, SupportCenterPlus
from .criteria import Criteria
from .models import (
    AdminEntry,
    Attachment,
    ClosureInfo,
    Conversation,
    Lookup,
    Note,
    NoteInput,
    Notification,
    Request,
    Requester,
    RequesterInput,
    RequestInput,
    Resolution,
    SupportRep,
    Time,
    TimeSpent,
    Worklog,
    WorklogInput,
)

__all__ = [
    "DEFAULT_ACCEPT",
    "AdminEntry",
    "AsyncSupportCenterPlus",
    "Attachment",
    "ClosureInfo",
    "Conversation",
    "Criteria",
    "CustomRecord",
    "Lookup",
    "Note",
    "NoteInput",
    "Notification",
    "Request",
    "RequestInput",
    "Requester",
    "RequesterInput",
    "Resolution",
    "SupportCenterPlus",
    "SupportRep",
    "Time",
    "TimeSpent",
    "Worklog",
    "WorklogInput",
]
