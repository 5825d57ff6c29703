"""ManageEngine SupportCenter Plus REST API v3: requests and everything on them, support
reps, requesters, admin lists and custom modules.

```python
from servicehub_sdk.supportcenter import Criteria, SupportCenterClient

with SupportCenterClient(base_url="https://scp.example.com:8080", api_key=...) as scp:
    ticket = scp.requests.create({"subject": "Spindle noise", "priority": "High"})
    for request in scp.requests.list(search=Criteria("status.name").is_("Open")):
        ...
```
"""

from ._attachments import Attachments
from ._client import DEFAULT_ACCEPT, AsyncSupportCenterClient, SupportCenterClient
from ._conversations import Conversations
from ._criteria import Criteria
from ._custom_modules import CustomModule, CustomRecord
from ._envelope import missing_fields
from ._models import (
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
    TimeSpentInput,
    Worklog,
    WorklogInput,
)
from ._notes import Notes
from ._notifications import Notifications
from ._requesters import Requesters
from ._requests import Requests
from ._resolutions import Resolutions
from ._support_reps import SupportReps
from ._worklogs import Worklogs

__all__ = [
    "DEFAULT_ACCEPT",
    "AdminEntry",
    "AsyncSupportCenterClient",
    "Attachment",
    "Attachments",
    "ClosureInfo",
    "Conversation",
    "Conversations",
    "Criteria",
    "CustomModule",
    "CustomRecord",
    "Lookup",
    "Note",
    "NoteInput",
    "Notes",
    "Notification",
    "Notifications",
    "Request",
    "RequestInput",
    "Requester",
    "RequesterInput",
    "Requesters",
    "Requests",
    "Resolution",
    "Resolutions",
    "SupportCenterClient",
    "SupportRep",
    "SupportReps",
    "Time",
    "TimeSpent",
    "TimeSpentInput",
    "Worklog",
    "WorklogInput",
    "Worklogs",
    "missing_fields",
]
