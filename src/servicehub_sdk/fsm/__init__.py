"""SAP FSM Crowd Partner API: invite and maintain crowd partners.

```python
from servicehub_sdk.fsm import CrowdPartnerClient

with CrowdPartnerClient(client_id=..., client_secret=..., username="acme/admin", password=...) as fsm:
    partner = fsm.partners.create({"name": "Partner GmbH", "address": {"city": "Munich"}})
```
"""

from .client import CLUSTERS, DEFAULT_TOKEN_URL, AsyncCrowdPartnerClient, CrowdPartnerClient
from .context import FsmContext
from .models import (
    Contact,
    ContactRole,
    Partner,
    PartnerAddress,
    Radius,
    RadiusUnit,
    SecureHash,
    ServiceArea,
)

__all__ = [
    "CLUSTERS",
    "DEFAULT_TOKEN_URL",
    "AsyncCrowdPartnerClient",
    "Contact",
    "ContactRole",
    "CrowdPartnerClient",
    "FsmContext",
    "Partner",
    "PartnerAddress",
    "Radius",
    "RadiusUnit",
    "SecureHash",
    "ServiceArea",
]
