"""SAP FSM Crowd Partner API: invite and maintain crowd partners.

```python
from servicehub_sdk.fsm import FSMClient

with FSMClient(client_id=..., client_secret=..., username="acme/admin", password=...) as fsm:
    partner = fsm.partners.create({"name": "Partner GmbH", "address": {"city": "Munich"}})
    fsm.partners.update(partner.id, {"remarks": "onboarded"})  # reads, merges, PUTs
    for area in fsm.partners.service_areas(partner.id).list():
        ...
```
"""

from ._client import (
    CLUSTERS,
    DEFAULT_DIRECTORY_URL,
    DEFAULT_TOKEN_URL,
    AsyncFSMClient,
    FSMClient,
)
from ._context import FSMContext
from ._models import (
    Contact,
    ContactInput,
    ContactRole,
    Partner,
    PartnerAddress,
    PartnerAddressInput,
    PartnerInput,
    PartnerUpdate,
    Radius,
    RadiusInput,
    RadiusUnit,
    SecureHash,
    ServiceArea,
    ServiceAreaInput,
)
from ._origin import FSM_DOMAINS

__all__ = [
    "CLUSTERS",
    "DEFAULT_DIRECTORY_URL",
    "DEFAULT_TOKEN_URL",
    "FSM_DOMAINS",
    "AsyncFSMClient",
    "Contact",
    "ContactInput",
    "ContactRole",
    "FSMClient",
    "FSMContext",
    "Partner",
    "PartnerAddress",
    "PartnerAddressInput",
    "PartnerInput",
    "PartnerUpdate",
    "Radius",
    "RadiusInput",
    "RadiusUnit",
    "SecureHash",
    "ServiceArea",
    "ServiceAreaInput",
]
